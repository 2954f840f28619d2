"""Learned components: small linear models trained on expert answers (`make train`), read by the pipeline."""
