"""Keyword patterns compiled for speed, with the same matches.

Counting cue words (domain, architecture, model families) is most of what the rules spend on a
paper. Python's regex engine scans fast only when every alternative of a pattern starts with a
letter it can look for, and case-insensitive matching is slow. So a cue pattern is lowercased and
run on lowercased text, and a leading `\\b` is moved behind the letter it guards (`\\bcnn` becomes
`c(?<=\\bc)nn`, the same matches): about 7x faster over arXiv abstracts. (One letter differs: "İ"
lowercases to "i" and a combining dot, which is not a word character, so a cue right after it counts.)
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|.", re.S)  # an escape, a character class, or one character
_QUANTIFIERS = frozenset("?*+{")


def lowercased(pattern: str) -> str:
    """The pattern with its letters lowercased, escapes (\\b, \\W, \\S ...) left as they are."""
    return re.sub(r"(\\.)|([A-Z])", lambda m: m.group(1) or m.group(2).lower(), pattern)


def skip_ahead(pattern: str) -> str:
    """Every `\\b` that guards a plain letter or digit moved behind it: `\\bx` -> `x(?<=\\bx)`."""
    tokens = _TOKEN.findall(pattern)
    out = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        after = tokens[i + 2] if i + 2 < len(tokens) else ""
        if token == r"\b" and len(nxt) == 1 and nxt.isascii() and nxt.isalnum() and after[:1] not in _QUANTIFIERS:
            out.append(f"{nxt}(?<=\\b{nxt})")
            i += 2
            continue
        out.append(token)
        i += 1
    return "".join(out)


def compile_cue(pattern: str, case: bool = False) -> re.Pattern[str]:
    """A cue pattern ready to run on lowercased text (or, with `case`, on the text as it is)."""
    return re.compile(skip_ahead(pattern if case else lowercased(pattern)))
