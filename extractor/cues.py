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
from collections.abc import Iterable, Iterator

try:  # the regex parser, to read which literal text a pattern needs
    from re import _parser as _sre
except ImportError:  # Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|.", re.S)  # an escape, a character class, or one character
_QUANTIFIERS = frozenset("?*+{")


def matches_from(pattern: re.Pattern[str], starts: re.Pattern[str], text: str, lowered: bool = False) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose matches are never empty and begin only where `starts`
    finds something: tried there alone rather than at every position (a pattern that opens with
    lookbehinds or alternatives cannot skip ahead by itself; its lookbehinds still see the text before).
    With `lowered`, `starts` reads the lowercased text, which must have the same offsets (ASCII)."""
    haystack = text.lower() if lowered else text
    pos = 0
    while (start := starts.search(haystack, pos)) is not None:
        m = pattern.match(text, start.start())
        if m is None:
            pos = start.start() + 1
            continue
        yield m
        pos = m.end()


def may_match(text: str, hint: re.Pattern[str]) -> bool:
    """Whether a case-insensitive pattern may match `text`, given `hint`, a case-sensitive pattern that
    finds something in the lowercased text of every match: where it finds nothing there, the pattern
    need not run. Only on ASCII text, where case-insensitive matching is plain lowercasing (elsewhere
    "K" (Kelvin) matches "k" and "ſ" "s"), so the answer is exact; on other text, True."""
    return not text.isascii() or hint.search(text.lower()) is not None


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


def alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives: `a|b(?:c|d)` -> `a`, `b(?:c|d)`."""
    out, part, depth = [], [], 0
    for token in _TOKEN.findall(pattern):
        depth += (token == "(") - (token == ")")
        if token == "|" and depth == 0:
            out.append("".join(part))
            part = []
        else:
            part.append(token)
    out.append("".join(part))
    return out


def leading_literal(pattern: str) -> str | None:
    """The text every match of a single alternative starts with (a leading `\\b` aside), if it is two
    characters or more: where it is absent from a text, the alternative cannot match there."""
    literal = ""
    for op, arg in _sre.parse(pattern):
        if op == _sre.AT and not literal:  # a leading \b
            continue
        if op != _sre.LITERAL:
            break
        literal += chr(arg)
    return literal if len(literal) >= 2 else None


class Pruned:
    """A cue pattern counted, on each text, with only the alternatives whose leading text occurs in it.

    An alternative whose leading text is absent cannot match, so leaving it out changes no match;
    and every alternative kept is tried at every position, so a table entry of thirty spellings
    scans several times faster with the one or two a paper holds. Rather than compile each set of
    alternatives a paper keeps (thousands of sets over a corpus, each compile costing more than the
    scans it saves), each alternative is compiled alone and their matches are merged as the whole
    pattern takes them: left to right, the earliest start first, at a tie the earlier alternative."""

    def __init__(self, pattern: str, case: bool = False) -> None:
        self.case = case
        self.whole = compile_cue(pattern, case)
        self.parts = tuple(alternatives(pattern if case else lowercased(pattern)))
        self.starts = tuple(leading_literal(part) for part in self.parts)
        self.needs = None if None in self.starts else frozenset(self.starts)  # one of these, for any match
        self.compiled = tuple(compile_cue(part, case=True) for part in self.parts)

    def kept(self, haystack: str | frozenset[str]) -> tuple[int, ...]:
        """The alternatives that may match in texts found inside `haystack` (lowercased unless `case`),
        or, given the leading texts present in it (`Literals.present`, one scan for many patterns), in it."""
        if self.needs is not None and isinstance(haystack, frozenset) and haystack.isdisjoint(self.needs):
            return ()  # (most patterns of a table, given the texts present: one test in C)
        return tuple(i for i, start in enumerate(self.starts) if start is None or start in haystack)

    def count(self, text: str, kept: tuple[int, ...]) -> int:
        """How many matches the whole pattern finds in `text` (`len(findall)`), given the alternatives `kept`."""
        if len(kept) == 1:
            return len(self.compiled[kept[0]].findall(text))
        patterns = [self.compiled[i] for i in kept]
        found = [p.search(text) for p in patterns]  # each alternative's next match
        n = at = 0
        while True:
            best = None
            for k, m in enumerate(found):
                if m is not None and m.start() < at:
                    m = found[k] = patterns[k].search(text, at)
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return n
            if best.end() == best.start():  # an empty match: findall's own rules apply, let it count
                return len(self.whole.findall(text))
            n, at = n + 1, best.end()


class Literals:
    """Which of many literal strings (two characters or more) occur in a text, in one regex scan
    rather than one `in` test each (the cue tables' 400 leading texts: about 2x faster).

    The literals are compiled into a trie-shaped pattern inside a lookahead, so that at every
    position the scan reports the longest literal starting there; every shorter literal starting
    there is a prefix of it, so the literals present are these and their prefixes."""

    SCAN_FROM = 150  # fewer literals are found faster by `in` tests: the scan costs about 100 of them on an abstract

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals = frozenset(literals)
        self.pattern = re.compile(f"(?=({_trie(sorted(self.literals))}))") if len(self.literals) >= self.SCAN_FROM else None

    def present(self, text: str) -> frozenset[str]:
        """The literals that occur in `text`."""
        if self.pattern is None:
            return frozenset(filter(text.__contains__, self.literals))
        longest = set(self.pattern.findall(text))
        return frozenset(word[:k] for word in longest for k in range(2, len(word) + 1) if word[:k] in self.literals)


class SharedScan:
    """The literals several tables look for in the same text, found by one `Literals` scan for all of
    them (over the union, about what one table's scan cost). Each table `include`s its own and reads
    the union's `present`: `Pruned.kept` reads only its own leading texts of it, so the others change nothing."""

    def __init__(self) -> None:
        self._included: frozenset[str] = frozenset()
        self._literals: Literals | None = None
        self._last: tuple[str, frozenset[str]] | None = None  # each table asks for the same text in turn

    def include(self, literals: Iterable[str]) -> None:
        new = frozenset(literals) - self._included
        if new:
            self._included |= new
            self._literals = self._last = None

    def present(self, text: str) -> frozenset[str]:
        """The included literals that occur in `text`."""
        if self._last is None or self._last[0] != text:
            if self._literals is None:
                self._literals = Literals(self._included)
            self._last = (text, self._literals.present(text))
        return self._last[1]


def _trie(words: list[str]) -> str:
    """An alternation of `words` (sorted, none empty) that matches the longest of them at a position."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[0], []).append(word[1:])
    out = []
    for head, tails in heads.items():
        longer = [t for t in tails if t]
        if not longer:
            out.append(re.escape(head))
        else:
            out.append(re.escape(head) + "(?:" + _trie(longer) + ")" + ("?" if "" in tails else ""))
    return "|".join(out)
