"""Rules that find what a paper could claim: quantities and URLs, with their spans.

Everything here reads the *clean* text of `normalize` and returns spans in it; the pipeline
maps them back to raw offsets for evidence. Rules over-generate a little on purpose: the
model (or the labelling rules) chooses among candidates, and never invents outside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from extractor.cues import matches_from, may_match, skip_ahead
from extractor.number_words import find_word_numbers
from extractor.result_words import is_change, is_result_number, marked_change

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, bound and range, as written in the clean text."""

    value: float
    value_max: float | None
    unit: str  # "x" | "%" | "abs"
    bound: str  # "exact" | "up-to" | "at-least" | "about"
    start: int
    end: int
    text: str
    clause: Span  # the clause it sits in, used for context and evidence
    baseline: str | None = None  # "from 28.9 to 5.6": the number it started from
    baseline_value: float | None = None
    rule_result: bool = True  # whether the hand rules take it for a result (else a size, a count, a year ...)


@dataclass(frozen=True)
class Candidate:
    """A URL or a coined name found in the text."""

    kind: str  # "url" | "name"
    text: str
    start: int
    end: int


# --- sentences and clauses -------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])|;\s+")
_CLAUSE_END = re.compile(r"(?<=[.!?;])\s+|,\s+(?=(?:while|whereas|but|and|which|with|respectively|compared)\b)|:\s+")


@lru_cache(maxsize=4)
def split_spans(text: str, pattern: re.Pattern[str] = _SENTENCE_END) -> tuple[Span, ...]:
    """Spans of the pieces between separators (sentences by default); cached, as the quantities and
    the names of a paper each ask for its sentences."""
    spans, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            spans.append(Span(pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(pos, len(text)))
    return tuple(spans)


# Words of a paper speaking of its own work.
_OWN_WORK = re.compile(r"\b(?:we|our|here|propos\w*|introduc\w*|present(?:s|ed)?|the\s+present|"
                       r"this\s+(?:paper|work|study|article|research))\b", re.I)

# A first sentence with these reports a result, whoever's: "X achieves up to 4.14x speedup."
_RESULT_WORDS = re.compile(r"\b(?:achiev|outperform|surpass|improv|reduc|accelerat|speed|faster|boost|yield)\w*", re.I)


def background_end(text: str, sentences: Sequence[Span]) -> int:
    """Where an opening sentence of background ends: "Modern LLMs reach 60-70% diagnostic accuracy on
    complex cases." states others' numbers, not a result, when the paper speaks of its own work only
    later. 0 when the first sentence already does, or no sentence does."""
    if len(sentences) < 2:
        return 0
    first = sentences[0]
    if _OWN_WORK.search(text, first.start, first.end) or _RESULT_WORDS.search(text, first.start, first.end):
        return 0
    return first.end if any(_OWN_WORK.search(text, s.start, s.end) for s in sentences[1:]) else 0


# Words that put a sentence on others' work: "Recent work demonstrates", "A recent survey revealed", "Many recent detectors
# report", "Current solutions include", "with reported rates of".
_PRIOR_WORK = re.compile(
    r"\b(?:recent|current|existing|prior|previous|conventional|traditional|standard|typical|many|most|modern|state-of-the-art)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:work|works|studies|solutions|methods|approaches|models|detectors|systems|LLMs|VLMs|MLLMs|benchmarks|"
    r"techniques|research|literature|pipelines|tools)\b"
    r"|\b(?:surveys?|studies|research|literature|reports?)\s+(?:\w+\s+)?(?:shows?|showed|reveals?|revealed|reports?|reported|found|finds|"
    r"suggests?|indicates?|estimates?)\b|\breported\b|\bhas\s+emerged\b|\bet\s+al\b", re.I)


# Any verb of reporting a result: a sentence without one, before the paper speaks of its own work, is background.
_REPORT_WORDS = re.compile(r"\b(?:achiev|outperform|surpass|improv|reduc|accelerat|speed|faster|boost|yield|reach|attain|obtain|"
                           r"deliver|scor|gain|cut|lower|increas|exceed|beat|trad|contribut|evaluat|show|demonstrat|rank|plac|win|won|deploy)\w*", re.I)


def prior_work_sentences(text: str, sentences: Sequence[Span], starts: Sequence[int]) -> list[Span]:
    """Sentences before the paper first speaks of its own work that speak of others' ("Many recent detectors report
    AUROC scores above 99%.") or report nothing ("in the MIMIC-III dataset, only about 8.56% of hospital visits include
    progress notes"): their numbers (at `starts`) are not the paper's results."""
    if len(sentences) < 2 or not starts:
        return []
    cued: list[Span] = []
    silent: list[Span] = []
    for k, s in enumerate(sentences):
        if _OWN_WORK.search(text, s.start, s.end):
            return cued + silent  # an own-work sentence follows the silent ones
        if not any(s.start <= p < s.end for p in starts):
            continue
        if _PRIOR_WORK.search(text, s.start, s.end) and not _RESULT_WORDS.search(text, s.start, s.end):
            cued.append(s)  # "surpassing prior methods by 1.2" states a result against them
        elif k > 0 and not _REPORT_WORDS.search(text, s.start, s.end):
            silent.append(s)
    return cued


def _enclosing(spans: Sequence[Span], pos: int) -> Span:
    for s in spans:
        if s.start <= pos < s.end:
            return s
    return Span(0, 0)


# --- quantities --------------------------------------------------------------------------------

_UNIT = (
    r"(?P<unit>\s?%|\s?pp\b|\s?p\.p\.|\s+percentage[\s-]+points?\b|\s?×|\s?[xX](?![A-Za-z0-9]|-ray)|\s?-?fold\b|(?:\s+|-)times\b|\s+percent\b)?"
)
# "from 112 to just 23 tokens", "from 3% to less than 1%": a bound word between "to" and the number reached.
_TO_BOUND = r"(?:(?:just|only|merely|about|around|approximately|roughly|nearly|almost|under|below|less\s+than|over|above|more\s+than)\s+|~\s?)"
_QUANTITY = re.compile(
    # a sign is read off ("-2.94%", "(-0.408m"), not a hyphen inside a name ("GPT-4"); "2.01%/1.27%" are two numbers
    r"(?:(?<=%/)|(?<![\w.,\-/^×±@])|(?<=^-)|(?<=[\s(\[]-)|(?<=\bsub-)"
    r"|(?:(?<=\.\d/)|(?<=\.\d\d/)|(?<=\.\d{3}/)|(?<=\.\d{4}/))(?=\d+\.\d))"  # "0.93/0.85/0.89": decimals split by slashes
    r"(?P<cur>\$)?(?P<a>" + NUM + r")(?P<aunit>\s?%|\s?×|[xX](?=\s?(?:--|[-–~])\s?\d|\s+to\s+\d)|\s?(?:[KMGT]?B|ms|s|h|[KMBGT]|dB|FPS|fps|[KMGT]?FLOPs)(?=\s+to\s+\d))?"
    r"(?:(?P<sep>\s?(?:->|→)\s?|\s?(?:--|-|–|~)\s?|\s+to\s+)(?P<q>(?<=\sto\s)" + _TO_BOUND + r")?(?P<b>" + NUM + r"))?(?P<outof>\s?/\s?(?:100|10|5)(?![\d.,/]))?" + _UNIT + r"(?!\d|(?<!%)(?<!\.\d)(?<!\.\d\d)(?<!\.\d{3})(?<!\.\d{4})/|(?<!%)/(?!\d+\.\d)|[.,]\d|\^)"
)
# Where a quantity can start: its currency sign or its first digit (`find_quantities` tries it only there).
_QUANTITY_START = re.compile(r"[$\d]")
# (Its `\b` read after the "b" (`cues.skip_ahead`): the same matches, and the scan skips ahead to a "b".)
_FRACTION = re.compile(skip_ahead(r"\bby\s+(?P<a>[1-9])/(?P<d>[2-9])(?:\s+to\s+(?P<b>[1-9])/(?P<e>[2-9]))?"))
# A bare number is a multiple when the words around it say so: "by a factor of 15.6", "a 2.2 wall-clock speedup",
# "speed up generation by 2.23".
_FACTOR_BEFORE = re.compile(r"(?:factor|speed-?ups?|acceleration|(?:(?:speed|speeds|sped)\s+up|accelerat(?:e|es|ed|ing))(?:\s+[\w-]+){0,3}\s+by)\s+"
                            r"(?:of\s+)?(?:(?:up\s+to|about|around|over|nearly|approximately)\s+|~)?$", re.I)
_FACTOR_AFTER = re.compile(r"(?:-|\s+)(?:[A-Za-z][\w-]*\s+)?speed-?ups?\b", re.I)
# "512 x 512 images", "64×64": a size, not a multiple.
_DIMENSION_AFTER = re.compile(r"\s?[xX×]\s?\d")
_DIMENSION_BEFORE = re.compile(r"\d\s?[xX×]\s?$")
_SLASH_PERCENT = re.compile(r"(?:/\d+\.\d+)+(?:\s?%|\s?pp\b|\s+percentage\s+points?\b)")
# "63.8 +/- 3.1% mAP": the spread's unit is the value's.
_PLUS_MINUS_PERCENT = re.compile(r"\s*(?:±|\+/-|\+-)\s*[\d.]+\s?%")
# "dice scores of 83.28, 87.44, and 84.50%": the unit closing a list is each member's.
_LIST_PERCENT = re.compile(r"(?:\s*,\s*\d+\.\d+)*\s*,?\s+and\s+\d+\.\d+(?:\s?%|\s?pp\b|\s+percentage\s+points?\b)")
# "The key challenges of this task are twofold: ...", "The results were twofold and surprising": parts, not a multiple.
_COPULA, _PARTS_AFTER = re.compile(r"\b(?:is|are|was|were)\s+$"), re.compile(r"\s*[:.;]|\s+and\b")
_LARGER = re.compile(r"\s*(?:larger|bigger|the\s+size)\b", re.I)  # a size of the set-up, as for digits (result_words._SIZE_AFTER)
# "five-fold cross-validation": a protocol, not a multiple.
_CROSS_VALIDATION = re.compile(r"\s*(?:[\w-]+\s+)?(?:cross[\s-]?valid\w*|validation\b|(?-i:CV)\b)", re.I)

# "Our contributions are twofold:": the number of parts of the paper, not a result.
_PARTS_FOLD = re.compile(r"\b(?:contributions?|goals?|aims?|purposes?|objectives?|motivations?)\b[^.;]{0,40}\b(?:is|are)\s+$", re.I)

_BOUNDS = (
    ("up-to", re.compile(r"(?:up\s+to|as\s+much\s+as|as\s+high\s+as|as\s+low\s+as|as\s+little\s+as|as\s+fast\s+as|as\s+few\s+as|below|as\s+many\s+as|less\s+than|fewer\s+than|under|within|at\s+most|<|≤)\s*[$+]?$", re.I)),
    ("at-least", re.compile(r"(?:over|more\s+than|at\s+least|exceeding|above|greater\s+than|>|≥)\s*\$?$", re.I)),
    ("about", re.compile(r"(?:about|around|approximately|roughly|nearly|almost|~|≈)\s*\$?$", re.I)),
)


_A_FACTOR_OF = re.compile(r"\s*\ba\s+factor\s+of\s*$", re.I)


def _number(s: str) -> float:
    return float(s.replace(",", ""))


def _unit(symbol: str | None) -> str:
    symbol = re.sub(r"[\s-]+", " ", (symbol or "").lower()).strip()
    if symbol in {"%", "percent", "pp", "p.p.", "percentage point", "percentage points"}:
        return "%"
    if symbol in {"×", "x", "times", "fold", "-fold"}:
        return "x"
    return "abs"


def _bound(before: str) -> str:
    for name, pattern in _BOUNDS:
        if pattern.search(before):
            return name
    return "exact"


# "flip rates of 0.800, 0.925, and 0.950", "by 9.1 points on X, 7.6 on Y": what may sit between two numbers of a list.
_LIST_GAP = re.compile(
    r"(?:\s?[A-Za-z°][\w@.\-+/^]{0,12})?"  # a unit or metric: "points", "mm", "mAP@0.5", "°"
    r"(?:\s*\([^()]{1,25}\)(?=\s+(?:on|for|in|at)\s))?"  # "0.97 (±0.013) for whole organs", "0.7910 (Swahili) for Subtask 1"
    r"(?:\s+[A-Za-z][\w-]{0,15}(?=\s+(?:on|for|in|at)\s))?"  # "13.59m outdoors in DeepMIMO"
    r"(?:\s+(?:on|for|in|at)\s+[^,;()<>=:]{1,40}?(?:\s*\([^()]{1,12}\)[^,;()<>=:]{1,30}?)?|\s+[A-Za-z][\w-]{0,15})?"  # "on GPQA", "indoors", "on the X (MML) CT dataset"
    r"(?:\s*\([^()]{1,25}\))?"  # "(A2G)"
    r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|/)(?:\$)?$"
    r"|\s*\)\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?!\s*(?:with|using|at|under|for|via|by|a|an|the)\b)[^.;,()]{1,40}\(\s*$", re.I  # "abuse detection (0.718) and bullying analysis (0.606)"
)


def _list_member(text: str, prev: Quantity | None, clause: Span, m: re.Match[str], unit: str) -> bool:
    """A bare number (or a dash range: "kappa values of 0.98 (X), 0.65-0.75 (Y)") listed right after a result of the
    same unit and shape is one too."""
    return (
        prev is not None
        and prev.clause == clause
        and prev.unit == unit
        and not (m.group("b") and (m.group("sep") or "").strip() not in {"-", "–", "--"})
        and "." in prev.text and "." in m.group("a")  # "dilation rates of 2 and 3" are settings
        and m.start() - prev.end < 80
        and bool(_LIST_GAP.fullmatch(text, prev.end, m.start()))
    )


# "from 0.66 to 0.70, 0.64 to 0.67", "from 51.56 to 39.82 before augmentation (and 51.56 to 43.59 after)": an "A to B"
# listed right after a change is one too, though "from" is not repeated.
_CHANGE_GAP = re.compile(r"(?:\s+[\w\-]+){0,4}?\s*(?:,|\()\s*(?:and\s+)?")


def _next_change(text: str, prev: Quantity | None, clause: Span, m: re.Match[str]) -> bool:
    return (
        prev is not None
        and prev.baseline_value is not None
        and prev.clause == clause
        and (m.group("sep") or "").strip() == "to"
        and m.start() - prev.end < 60
        and bool(_CHANGE_GAP.fullmatch(text, prev.end, m.start()))
    )


def _multiple_in_words(text: str, m: re.Match[str]) -> bool:
    """"by a factor of 15.6", "speedup of 3.2", "a 2.2 wall-clock speedup": a bare number that is a multiple."""
    before = text[max(0, m.start() - 40) : m.start()]
    return bool(_FACTOR_BEFORE.search(before) or _FACTOR_AFTER.match(text, m.end()))


def find_quantities(text: str, keep_all: bool = False) -> list[Quantity]:
    """Numbers with units, ranges and bound words; sizes, years and counts are left out
    unless `keep_all`, which keeps them marked `rule_result=False` for a learned filter to judge."""
    clauses = split_spans(text)
    found: list[Quantity] = []
    prev: Quantity | None = None  # the last number read, for lists
    for m in matches_from(_QUANTITY, _QUANTITY_START, text):  # `_QUANTITY.finditer(text)`, ~6x faster
        if _DIMENSION_BEFORE.search(text[max(0, m.start() - 4) : m.start()]) or (
            not m.group("b")
            and (_DIMENSION_AFTER.match(text, m.end("a") + len(m.group("aunit") or "")) or _DIMENSION_AFTER.match(text, m.end("a")))
        ):
            continue  # "512 x 512", "64×64": a size
        if m.group("outof") and not ("." in m.group("a") or (m.group("outof").strip(" /") == "100" and _number(m.group("a")) >= 10)):
            continue  # "1/5 the memory", "3/10": a share (`number_words`), not a score out of a scale
        unit = _unit(m.group("unit") or m.group("aunit"))
        if unit == "abs" and _PLUS_MINUS_PERCENT.match(text, m.end()):
            unit = "%"  # "63.8 +/- 3.1% mAP": the spread's unit is the value's
        if unit == "abs" and "." in m.group("a") and not m.group("b") and _LIST_PERCENT.match(text, m.end()):
            unit = "%"  # "83.28, 87.44, and 84.50%"
        if unit == "abs" and _SLASH_PERCENT.match(text, m.end()):
            unit = "%"  # "by 2.40/5.93 pp": the list's unit is each member's
        if unit == "abs" and not m.group("cur") and _multiple_in_words(text, m):
            unit = "x"
        clause = _enclosing(clauses, m.start())
        before = text[max(0, m.start() - 24) : m.start()]
        change = is_change(text, m, before)
        next_change = not change and _next_change(text, prev, clause, m)
        change = change or next_change
        verdict = is_result_number(text, m, unit)
        rule_result = bool(verdict) or (verdict is None and (
            (change and marked_change(text, m)) or _list_member(text, prev, clause, m, unit) or next_change))
        if not rule_result and not keep_all:
            continue
        if change:
            # "from A to B" is one claim: value B, baseline A
            start = m.start("b")
            bound = _bound(m.group("q")) if m.group("q") else "exact"
            found.append(Quantity(_number(m.group("b")), None, unit, bound, start, m.end(), text[start : m.end()], clause,
                                  baseline=text[m.start("a") : m.end("aunit") if m.group("aunit") else m.end("a")],
                                  baseline_value=_number(m.group("a")), rule_result=rule_result))
            prev = found[-1] if rule_result else prev
            continue
        value = _number(m.group("a"))
        value_max = _number(m.group("b")) if m.group("b") else None
        if value_max is not None and value_max <= value:
            continue  # "3-2" or a date-like pair is no range
        bound = "up-to" if text.endswith("sub-", 0, m.start()) else _bound(before)
        found.append(Quantity(value, value_max, unit, bound, m.start(), m.end(), m.group(0), clause, rule_result=rule_result))
        prev = found[-1] if rule_result else prev
    for m in _FRACTION.finditer(text):
        value = round(100 * int(m.group("a")) / int(m.group("d")), 1)
        vmax = round(100 * int(m.group("b")) / int(m.group("e")), 1) if m.group("b") else None
        found.append(Quantity(value, vmax, "%", "exact", m.start(), m.end(), m.group(0), _enclosing(clauses, m.start())))
    taken = [(q.start, q.end) for q in found]
    for value, vmax, unit, bound, start, end in find_word_numbers(text):
        if any(a < end and start < b for a, b in taken):
            continue
        before = text[max(0, start - 24) : start]
        bound = bound if bound != "exact" else _bound(_A_FACTOR_OF.sub("", before))  # "by up to a factor of two": up-to
        parts = unit == "x" and bool(_PARTS_FOLD.search(text[max(0, start - 70) : start]) or _CROSS_VALIDATION.match(text, end)
                                     or (_COPULA.search(text, max(0, start - 8), start) and _PARTS_AFTER.match(text, end))
                                     or _LARGER.match(text, end))  # "an order of magnitude larger than existing datasets"
        found.append(Quantity(value, vmax, unit, bound, start, end, text[start:end], _enclosing(clauses, start), rule_result=not parts))
    background = background_end(text, clauses)
    prior = prior_work_sentences(text, clauses, [q.start for q in found if q.rule_result])
    found = [replace(q, rule_result=False) if q.start < background or any(s.start <= q.start < s.end for s in prior) else q
             for q in found]
    if not keep_all:
        found = [q for q in found if q.rule_result]
    found.sort(key=lambda q: q.start)
    return _share_bounds(text, found)


def _share_bounds(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """A qualifier governs the numbers listed after it: "up to 3x fewer tokens and 30% fewer passes"."""
    out: list[Quantity] = []
    for q in quantities:
        prev = out[-1] if out else None
        if (
            prev is not None
            and q.bound == "exact"
            and prev.bound != "exact"
            and prev.clause == q.clause
            and q.start - prev.end < 60
            and re.search(r"\band\b|,|^/$", text[prev.end : q.start])
            and not re.search(r"\b(?:while|whereas|but|of|uses?|is|are|has|have|achieves?|reduces?|requires?|needs?|runs?|with|outperform\w*|surpass\w*)\b", text[prev.end : q.start])
        ):
            q = replace(q, bound=prev.bound)
        out.append(q)
    return out


# --- URLs --------------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:https?\s?:\s?//\s?|www\.)[^\s{}<>\"']+|\b(?:github\.com|gitlab\.com|huggingface\.co|aka\.ms|bit\.ly)/[^\s{}<>\"']+",
    re.I,
)
# In the lowercased text of every _URL match (`cues.may_match`): most abstracts give no URL and skip the scan.
_URL_HINT = re.compile(r"http|www\.|github\.com|gitlab\.com|huggingface\.co|aka\.ms|bit\.ly")


def clean_url(url: str) -> str:
    """Drop scrape residue: a space inside `https: //`, trailing punctuation, `{link text}`."""
    url = re.sub(r"\s+", "", url)
    url = re.sub(r"\{.*$", "", url)
    return url.rstrip(".,;:)]}'\"")


@lru_cache(maxsize=4)
def find_urls(text: str) -> tuple[Candidate, ...]:
    """The URLs of a text (cached: the code URL and the names' check for words inside a URL read the same abstract)."""
    if not may_match(text, _URL_HINT):
        return ()
    return tuple(Candidate("url", clean_url(m.group(0)), m.start(), m.end()) for m in _URL.finditer(text))


# Where code lives, best first: a leaderboard on huggingface.co gives way to the GitHub repository.
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co")


def pick_code_url(urls: Sequence[Candidate]) -> str | None:
    """The release URL: the best code host, else the first URL the abstract gives."""
    for host in _CODE_HOSTS:
        for u in urls:
            if host in u.text.lower():
                return u.text
    return urls[0].text if urls else None
