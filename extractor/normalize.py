"""Rendering residue (\\%, 20.6times, sim0.6, hard line breaks) and LaTeX math ($2.4\\times$,
$\\sim$5, \\textbf{...}) -> clean text, with a map back to raw offsets.

Rules read the clean text; evidence must be quoted from the raw text. `Normalized.raw_span`
turns a span of the clean text into the span of raw characters it came from, so every
evidence string can be sliced out of the abstract verbatim. Markup that vanishes (a `$` that
opens math, `\\textbf{`, its closing brace) is folded into the span of the clean character
next to it, so a clean span always covers whole markup on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extractor.cues import matches_from

_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
# LaTeX macros read as the character they print; "" vanishes (a negative thin space).
_MACROS = {
    "textless": "<", "textgreater": ">", "eg": "e.g.", "ie": "i.e.", "etc": "etc.", "times": "×", "sim": "~",
    "approx": "≈", "simeq": "≈", "pm": "±", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "gg": "≫", "ll": "≪",
    "to": "→", "rightarrow": "→", "cdot": "·", "deg": "°", "circ": "°", "textasciitilde": "~", "textpm": "±",
    "uparrow": "↑", "downarrow": "↓", "%": "%", ",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ",
}
_MACRO_NAMES = "|".join(sorted((re.escape(k) for k in _MACROS if k[0].isalpha()), key=len, reverse=True))
# Macros whose brace group is just styled text: the macro and both braces vanish, the body stays.
_STYLE = r"textbf|textit|textsc|texttt|textrm|textsf|textup|textnormal|emph|underline|mathbf|mathrm|mathit|mathsf|mathtt|boldsymbol|bm|text|mbox"

# Each alternative is one kind of residue; group names say which. Order matters: longer forms first.
_RESIDUE = re.compile(
    r"(?P<accent>\\(?P<mark>[\"'`^~])\{?(?P<letter>[A-Za-z])\}?)"
    r"|(?P<emph>\{\\(?:em|it|bf)\s+(?P<emph_body>[^{}]*)\})"
    r"|(?P<style>\\(?:" + _STYLE + r")\s*\{)"
    r"|(?P<macro>\\(?P<name>" + _MACRO_NAMES + r")(?![A-Za-z])|\\(?P<sym>[,;:! ]))"
    r"|(?P<escape>\\(?P<escaped>[%$&#_]))"
    r"|(?P<paren_math>\\[()])"  # "\(81.1%\)": inline math delimiters, like "$"
    r"|(?P<dollar>\\(?=\d))"
    r"|(?P<math>\$)"
    r"|(?P<brace>[{}])"
    r"|(?<=\d)(?P<times>\s?times)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?P<sim>sim\s?)(?=[\d.])"
    r"|(?<=[A-Za-z)}])(?P<tie>~)(?=[A-Za-z(\\])|(?<=\d)(?P<unit_tie>~)(?=[A-Za-z]{2})"  # "Table~1", "0.4~mm": a non-breaking space
    r"|(?P<newline>[ \t]*\r?\n[ \t]*)"
    r"|(?:(?<=[=<>≤≥$])|(?<=[=<>≤≥]\s)|(?<=\d[-–]))(?P<lead_dot>\.)(?=\d)"  # "ρ= .81", "R^2 = .68-.84": decimals without their leading zero
)
# Where a piece of residue can start: every alternative of _RESIDUE starts at one of these. Matching
# _RESIDUE only there finds the same pieces as scanning with it, about three times faster.
_STARTS = re.compile(r"[\\{}$~\r\n]|[ \t]+(?=\r?\n)|sim|(?<=\d)\s?times|\.(?:(?<=[=<>≤≥$]\.)|(?<=[=<>≤≥]\s\.)|(?<=\d[-–]\.))")


def _residues(raw: str) -> Iterator[re.Match[str]]:
    """`_RESIDUE.finditer(raw)`, sped up."""
    return matches_from(_RESIDUE, _STARTS, raw)


# Inline math: "$" opens before a non-space and closes after one ("$5 and $10" is money, not math).
_MATH = re.compile(r"(?<!\\)\$(?=[^\s$])(?:[^$\\]|\\.){0,160}?(?<=[^\s\\])\$", re.S)


@dataclass(frozen=True)
class Normalized:
    """Clean text plus, for each clean character, the raw span [start, end) it came from."""

    raw: str
    text: str
    starts: Sequence[int]  # a tuple, or offsets computed where asked (`_RunOffsets`)
    ends: Sequence[int]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) covering clean [start, end)."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def raw_text(self, start: int, end: int) -> str:
        a, b = self.raw_span(start, end)
        return self.raw[a:b]


def _math_regions(raw: str) -> tuple[set[int], list[tuple[int, int]]]:
    """Positions of the `$` that delimit inline math, and the math bodies' raw spans."""
    dollars: set[int] = set()
    regions = []
    for m in _MATH.finditer(raw):
        dollars.update((m.start(), m.end() - 1))
        regions.append((m.start() + 1, m.end() - 1))
    return dollars, regions


def _closing_braces(raw: str) -> set[int]:
    """Positions of the `}` that close a styling macro's group (`\\textbf{...}`), nesting respected."""
    closers: set[int] = set()
    for m in re.finditer(r"\\(?:" + _STYLE + r")\s*\{", raw):
        depth = 1
        i = m.end()
        while i < len(raw) and depth:
            ch = raw[i]
            if ch == "\\":
                i += 2
                continue
            depth += ch == "{"
            depth -= ch == "}"
            i += 1
        if depth == 0:
            closers.add(i - 1)
    return closers


def _replacement(m: re.Match[str], dollars: set[int], closers: set[int], in_math: bool) -> tuple[str, str]:
    """What a piece of residue becomes, and how it vanishes when it does: with the character
    after it ("open": `$` opening math, `\\textbf{`) or before it ("close")."""
    kind = m.lastgroup
    if kind == "accent":
        return unicodedata.normalize("NFC", m.group("letter") + _ACCENTS[m.group("mark")]), ""
    if kind in {"macro", "name", "sym"}:
        name = m.group("name") or m.group("sym")
        return _MACROS[name], "close"
    if kind == "escape":
        return m.group("escaped"), ""
    if kind == "style":
        return "", "open"
    if kind == "paren_math":
        return "", "open" if m.group(0) == "\\(" else "close"
    if kind == "math":
        if m.start() not in dollars:
            return "$", ""
        return "", "close" if in_math else "open"
    if kind == "brace":
        if m.start() in closers or in_math:
            return "", "open" if m.group(0) == "{" else "close"
        return m.group(0), ""
    return {"dollar": "$", "times": "×", "sim": "~", "lead_dot": "0."}.get(kind or "", " "), ""  # a hard line break or a tie is a space


# Where residue other than a hard line break may start (more places than it does start): an abstract
# holding none of these (most arXiv ones) needs only its line breaks read as spaces (`_line_breaks`).
_NOT_LINE_BREAK = re.compile(r"[\\{}$~]|(?<![A-Za-z])sim|(?<=\d)times|(?<=\d\s)times|[=<>≤≥$]\s?\.\d|(?<=\d)[-–]\.\d")
_NOT_LINE_BREAK_STARTS = re.compile(r"[\\{}$~=<>≤≥]|[-–]\.|sim|times")  # tried only there: "sim", "times" are common words, a dash too
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")


def normalize(raw: str) -> Normalized:
    """Replace rendering residue; each output character remembers its raw span."""
    if next(matches_from(_NOT_LINE_BREAK, _NOT_LINE_BREAK_STARTS, raw), None) is None:
        return _line_breaks(raw)
    return _normalize(raw)


def _line_breaks(raw: str) -> Normalized:
    """`_normalize` of a text whose only residue is hard line breaks: each run becomes one space
    spanning it, every other character maps to itself, so the offsets are kept per run, not per character."""
    spaces: list[int] = []  # the clean position of each run's space
    shifts: list[int] = []  # raw characters dropped up to and including each run
    run_ends: list[int] = []
    pieces: list[str] = []  # the raw text between runs (`_LINE_BREAK.sub(" ", raw)` without scanning it again)
    dropped = 0
    for m in _LINE_BREAK.finditer(raw):
        pieces.append(raw[run_ends[-1] if run_ends else 0 : m.start()])
        spaces.append(m.start() - dropped)
        dropped += m.end() - m.start() - 1
        shifts.append(dropped)
        run_ends.append(m.end())
    length = len(raw) - dropped
    text = " ".join([*pieces, raw[run_ends[-1] :]]) if spaces else raw
    return Normalized(raw, text, _RunOffsets(spaces, shifts, None, length), _RunOffsets(spaces, shifts, run_ends, length))


class _RunOffsets(Sequence[int]):
    """`Normalized.starts` (or, given the runs' raw ends, `ends`) of a text whose line-break runs became
    single spaces, computed where asked: clean i is raw i plus what the runs before it dropped."""

    def __init__(self, spaces: list[int], shifts: list[int], run_ends: list[int] | None, length: int) -> None:
        self.spaces, self.shifts, self.run_ends, self.length = spaces, shifts, run_ends, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(self.length)))
        if i < 0:
            i += self.length
        if not 0 <= i < self.length:
            raise IndexError(i)
        j = bisect_left(self.spaces, i)  # the runs before clean i
        if self.run_ends is not None and j < len(self.spaces) and self.spaces[j] == i:
            return self.run_ends[j]
        return i + (self.shifts[j - 1] if j else 0) + (self.run_ends is not None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


def _normalize(raw: str) -> Normalized:
    """`normalize` for any text."""
    dollars, regions = _math_regions(raw)
    closers = _closing_braces(raw)
    text: list[str] = []  # pieces of the clean text
    starts: list[int] = []
    ends: list[int] = []
    pending: int | None = None  # start of markup that vanished before the next character

    def emit(ch: str, start: int, end: int) -> None:
        nonlocal pending
        text.append(ch)
        starts.append(start if pending is None else min(pending, start))
        ends.append(end)
        pending = None

    def copy(lo: int, hi: int) -> None:
        """Raw characters lo..hi unchanged, each mapped to itself (in one go: most of an abstract)."""
        nonlocal pending
        if lo >= hi:
            return
        text.append(raw[lo:hi])
        starts.extend(range(lo, hi))
        ends.extend(range(lo + 1, hi + 1))
        if pending is not None:
            starts[lo - hi] = min(pending, lo)
            pending = None

    pos = 0
    region = 0
    for m in _residues(raw):
        copy(pos, m.start())
        pos = m.end()
        if m.lastgroup == "emph":
            # Keep the body's own characters mapped one to one; the braces and the macro fold into its ends.
            pending = m.start()
            copy(m.start("emph_body"), m.end("emph_body"))
            if ends:
                ends[-1] = m.end()
            continue
        while region < len(regions) and regions[region][1] < m.start():
            region += 1
        in_math = region < len(regions) and regions[region][0] <= m.start() <= regions[region][1]
        replacement, vanish = _replacement(m, dollars, closers, in_math)
        for ch in replacement:
            emit(ch, m.start(), m.end())
        if not replacement:
            if vanish == "close" and ends:
                ends[-1] = max(ends[-1], m.end())
            else:
                pending = m.start() if pending is None else pending
    copy(pos, len(raw))
    return Normalized(raw, "".join(text), tuple(starts), tuple(ends))


def clean(raw: str) -> str:
    """Just the clean text."""
    return normalize(raw).text


_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of white space (arXiv's hard line breaks) into single spaces."""
    return _SPACES.sub(" ", text).strip()
