from extractor.cli import cli

cli()
