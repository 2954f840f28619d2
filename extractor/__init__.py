"""extractor: structured extraction of claims from ML paper abstracts with a local quantized LLM."""

from extractor.errors import BackendError, ExtractorError, InputError, StoreError
from extractor.schema import Claim, Extraction, Paper

__all__ = ["BackendError", "Claim", "ExtractorError", "Extraction", "InputError", "Paper", "StoreError"]
