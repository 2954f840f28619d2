"""Numbers written in words that state a result: "five times lower", "three-fold", "by thirty
and twenty percent", "an order of magnitude", "only a quarter of the parameters", "ranks first".

The tables are data: which words are which numbers. `find_word_numbers` returns plain tuples
(value, value_max, unit, bound, start, end) over clean text; `candidates` turns them into Quantities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.cues import matches_from

# --- tables --------------------------------------------------------------------------------------

CARDINALS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "one hundred": 100,
    "a thousand": 1000, "one thousand": 1000,
}
# Shares of a whole, as percent: "a quarter of the parameters" is 25 %.
FRACTIONS = {"half": 50.0, "third": 33.3, "quarter": 25.0, "fourth": 25.0, "fifth": 20.0, "sixth": 16.7,
             "eighth": 12.5, "tenth": 10.0}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10}
MAGNITUDES = {"an": 10, "one": 10, "two": 100, "three": 1000, "four": 10_000, "five": 100_000}

# --- patterns ------------------------------------------------------------------------------------

_CARD = "|".join(sorted((re.escape(k) for k in CARDINALS), key=len, reverse=True))
_CARD_HYPHEN = rf"(?:{_CARD})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
_FOLD = re.compile(rf"\b(?P<n>{_CARD_HYPHEN})(?:[- ]?fold\b|\s+times\b(?!\s+(?:as\s+many|the\s+number|per|a\b|in\b|more\s+(?:data|examples|tokens|parameters))))", re.I)
# "by a factor of two" (not when the digits restate it: "by a factor of eight (8×)").
_FACTOR = re.compile(rf"\bfactor\s+of\s+(?P<n>{_CARD_HYPHEN})\b(?!\s*\(\s*\d)", re.I)
_PERCENT = re.compile(rf"\b(?P<list>(?:(?:{_CARD_HYPHEN})\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+to\s+))*)(?P<n>{_CARD_HYPHEN})\s+percent\b", re.I)
_MAGNITUDE = re.compile(r"\b(?P<n>an|one|two|three|four|five)\s+orders?\s+of\s+magnitude\b", re.I)
_FRACTION = re.compile(
    r"\b(?P<lead>by|only|just|to|in|uses?|using|requires?|requiring|with)\s+(?P<q>(?:at\s+least|about|approximately|around|nearly|roughly|almost|over|more\s+than|less\s+than|under)\s+)?"
    r"(?P<n>(?:a|one)[- ](?:half|third|quarter|fourth|fifth|tenth)|half|(?:two|three)[- ](?:thirds|quarters|fifths))"
    r"(?:\s+to\s+(?P<m>(?:a|one)[- ](?:half|third|quarter|fourth|fifth|tenth)|half|(?:two|three)[- ](?:thirds|quarters|fifths)))?"
    r"(?=\s+(?:the|of|its|their|as|that)\b|\s*[,.;)]|\s*$)",
    re.I,
)
_SIXTHS = re.compile(r"\b(?P<n>one|two)[- ](?P<d>sixths?|thirds?|quarters?|fifths?|tenths?)\s+to\s+(?P<m>one|two|three)[- ](?P<e>sixths?|thirds?|quarters?|fifths?|tenths?|half)\b", re.I)
_DIGIT_FRACTION = re.compile(r"\b(?:only|just|using|uses?|with|requires?|requiring)\s+(?:about\s+)?(?P<a>[1-9])/(?P<d>[2-9]|1\d)\b(?!/)")
_RANK = re.compile(
    r"\b(?:rank(?:s|ed|ing)?|plac(?:es|ed|ing))\s+(?:the\s+|at\s+|as\s+)?(?P<w>first|second|third|fourth|fifth)\b"
    r"|(?<!\bin\sthe\s)\b(?P<w2>first|second|third|fourth|fifth)\s+place\b"  # not the idiom "in the first place"
    r"|\b(?P<w3>first|second|third|fourth|fifth)\s+(?:in|on|among|out\s+of)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:ranking|leaderboard|track|task|challenge|competition)",
    re.I,
)

# Where a match of _RANK can begin, in lowercased text: tried only there (`cues.matches_from`), as
# "first" and "second" are common words.
_RANK_START = re.compile(r"r(?<=\br)ank|p(?<=\bp)lac|f(?<=\bf)irst|s(?<=\bs)econd|t(?<=\bt)hird|f(?<=\bf)ourth|f(?<=\bf)ifth")

# A time a run takes, written in words: "in four days", "in less than a second", "within one minute", "under one
# second" ("a" only after a bound: "in a second stage" is an ordinal). The number word alone is the span, so the
# unit stays in the text after it, where the labels read it (seconds a level, days a budget).
_TIME_WORD = re.compile(
    rf"\b(?:in|within|under|takes?|taking|took)\s+(?P<q>(?:only|just|about|approximately|around|roughly|less\s+than|under)\s+)?"
    rf"(?P<n>{_CARD_HYPHEN}|one|(?<=than\s)an?|(?<=under\s)an?|(?<=within\s)an?)\s+(?:GPU[- ])?(?:seconds?|minutes?|hours?|days?)\b",
    re.I,
)

_QUALIFIER = {"at least": "at-least", "over": "at-least", "more than": "at-least", "about": "about", "nearly": "about",
              "roughly": "about", "almost": "about", "approximately": "about", "around": "about", "less than": "up-to", "under": "up-to"}


def _card(words: str) -> float:
    words = re.sub(r"\s+", " ", words.lower().replace("-", " ")).strip()
    if words in CARDINALS:
        return float(CARDINALS[words])
    tens, _, one = words.rpartition(" ")
    return float(CARDINALS.get(tens, 0) + {"one": 1, **CARDINALS}.get(one, 0))


def _share(words: str) -> float:
    words = words.lower().replace("-", " ").split()
    count = {"a": 1, "one": 1, "two": 2, "three": 3}.get(words[0], 1) if len(words) == 2 else 1
    return round(count * FRACTIONS[words[-1].rstrip("s")], 1)


# Words a pattern cannot match without (in lowercase): most abstracts have none of them, and looking
# for a word is far cheaper than running the pattern.
_NEEDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _FOLD: ("fold", "times"),
    _FACTOR: ("factor",),
    _PERCENT: ("percent",),
    _MAGNITUDE: ("magnitude",),
    _FRACTION: ("half", "third", "quarter", "fourth", "fifth", "tenth"),
    _SIXTHS: ("sixth", "third", "quarter", "fifth", "tenth"),
    _DIGIT_FRACTION: ("/",),
    _RANK: ("first", "second", "third", "fourth", "fifth"),
    _TIME_WORD: ("second", "minute", "hour", "day"),
}


def _matches(pattern: re.Pattern[str], text: str, lowered: str) -> Iterator[re.Match[str]]:
    if not any(word in lowered for word in _NEEDS[pattern]):
        return iter(())
    if pattern is _RANK and text.isascii():
        return matches_from(_RANK, _RANK_START, text, lowered=True)
    return pattern.finditer(text)


def find_word_numbers(text: str) -> list[tuple[float, float | None, str, str, int, int]]:
    """(value, value_max, unit, bound, start, end) for each number written in words as a result."""
    out: list[tuple[float, float | None, str, str, int, int]] = []
    lowered = text.lower()
    for m in _matches(_FOLD, text, lowered):
        out.append((_card(m.group("n")), None, "x", "exact", m.start(), m.end()))
    for m in _matches(_FACTOR, text, lowered):
        out.append((_card(m.group("n")), None, "x", "exact", m.start("n"), m.end("n")))
    for m in _matches(_PERCENT, text, lowered):
        for part in re.finditer(_CARD_HYPHEN, m.group("list"), re.I):
            out.append((_card(part.group(0)), None, "%", "exact", m.start("list") + part.start(), m.start("list") + part.end()))
        out.append((_card(m.group("n")), None, "%", "exact", m.start("n"), m.end()))
    for m in _matches(_MAGNITUDE, text, lowered):
        out.append((float(MAGNITUDES[m.group("n").lower()]), None, "x", "about", m.start(), m.end()))
    for m in _matches(_FRACTION, text, lowered):
        bound = _QUALIFIER.get(re.sub(r"\s+", " ", (m.group("q") or "").strip().lower()), "exact")
        vmax = _share(m.group("m")) if m.group("m") else None
        out.append((_share(m.group("n")), vmax, "%", bound, m.start("n"), m.end()))
    for m in _matches(_SIXTHS, text, lowered):
        out.append((_share(f"{m.group('n')} {m.group('d')}"), _share(f"{m.group('m')} {m.group('e')}"), "%", "exact", m.start(), m.end()))
    for m in _matches(_DIGIT_FRACTION, text, lowered):
        out.append((round(100 * int(m.group("a")) / int(m.group("d")), 1), None, "%", "exact", m.start("a"), m.end()))
    for m in _matches(_TIME_WORD, text, lowered):
        n = m.group("n").lower()
        value = 1.0 if n in {"a", "an", "one"} else _card(n)
        bound = _QUALIFIER.get(re.sub(r"\s+", " ", (m.group("q") or "").strip().lower()), "exact")
        out.append((value, None, "abs", bound, m.start("n"), m.end("n")))
    for m in _matches(_RANK, text, lowered):
        group = "w" if m.group("w") else "w2" if m.group("w2") else "w3"
        out.append((float(ORDINALS[m.group(group).lower()]), None, "abs", "exact", m.start(group), m.end(group)))
    out.sort(key=lambda t: (t[4], -t[5]))
    return [t for i, t in enumerate(out) if not any(o[4] <= t[4] and t[5] <= o[5] for o in out[:i])]  # "one-sixth to one-third": once
