"""Looking at the results in a browser: a static report (`extractor report`) and a review app (`extractor serve`)."""
