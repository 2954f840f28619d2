"""The few exceptions extractor raises; their message is what the user sees."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class; its message is shown to the user as is."""


class InputError(ExtractorError):
    """Bad input: the message names the file, the line, what is wrong and how to fix it."""


class BackendError(ExtractorError):
    """The model engine failed; wraps the engine's own error (raise ... from e)."""


class StoreError(ExtractorError):
    """The DuckDB store could not be opened, migrated or written."""
