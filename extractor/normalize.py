"""Rendering residue (\\%, 20.6times, sim0.6, hard line breaks) -> clean text, with a map back to raw offsets.

Rules read the clean text; evidence must be quoted from the raw text. `Normalized.raw_span`
turns a span of the clean text into the span of raw characters it came from, so every
evidence string can be sliced out of the abstract verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
_MACROS = {"textless": "<", "textgreater": ">", "eg": "e.g.", "ie": "i.e.", "etc": "etc.", "times": "×", "sim": "~"}

# Each alternative is one kind of residue; group names say which. Order matters: longer forms first.
_RESIDUE = re.compile(
    r"(?P<accent>\\(?P<mark>[\"'`^~])\{?(?P<letter>[A-Za-z])\}?)"
    r"|(?P<emph>\{\\(?:em|it|bf)\s+(?P<emph_body>[^{}]*)\})"
    r"|(?P<macro>\\(?P<name>textless|textgreater|eg|ie|etc|times|sim)(?![A-Za-z]))"
    r"|(?P<escape>\\(?P<escaped>[%$&#_]))"
    r"|(?P<dollar>\\(?=\d))"
    r"|(?<=\d)(?P<times>\s?times)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?P<sim>sim\s?)(?=[\d.])"
    r"|(?P<newline>[ \t]*\r?\n[ \t]*)"
)


@dataclass(frozen=True)
class Normalized:
    """Clean text plus, for each clean character, the raw span [start, end) it came from."""

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) covering clean [start, end)."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def raw_text(self, start: int, end: int) -> str:
        a, b = self.raw_span(start, end)
        return self.raw[a:b]


def _replacement(m: re.Match[str]) -> str:
    kind = m.lastgroup
    if kind == "accent":
        return unicodedata.normalize("NFC", m.group("letter") + _ACCENTS[m.group("mark")])
    if kind == "macro":
        return _MACROS[m.group("name")]
    if kind == "escape":
        return m.group("escaped")
    return {"dollar": "$", "times": "×", "sim": "~"}.get(kind or "", " ")  # a hard line break is a space


def normalize(raw: str) -> Normalized:
    """Replace rendering residue; each output character remembers its raw span."""
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _RESIDUE.finditer(raw):
        for i in range(pos, m.start()):
            text.append(raw[i])
            starts.append(i)
            ends.append(i + 1)
        if m.lastgroup == "emph":
            # Keep the body's own characters mapped one to one; drop the braces and the macro.
            body_start = m.start("emph_body")
            for i in range(body_start, m.end("emph_body")):
                text.append(raw[i])
                starts.append(i)
                ends.append(i + 1)
        else:
            for ch in _replacement(m):
                text.append(ch)
                starts.append(m.start())
                ends.append(m.end())
        pos = m.end()
    for i in range(pos, len(raw)):
        text.append(raw[i])
        starts.append(i)
        ends.append(i + 1)
    return Normalized(raw, "".join(text), tuple(starts), tuple(ends))


def clean(raw: str) -> str:
    """Just the clean text."""
    return normalize(raw).text


_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of white space (arXiv's hard line breaks) into single spaces."""
    return _SPACES.sub(" ", text).strip()
