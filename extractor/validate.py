"""Rules over an Extraction -> list[Problem]: findings are data, stored and reported, never raised.

Each rule is a small pure function with a stable name (the `rule` of its Problem). Claim rules look
at one claim and the paper and return a message or None; extraction rules look at the whole answer
and return (field, message) pairs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from extractor.names import letters_and_digits
from extractor.schema import Claim, Extraction, Paper


@dataclass(frozen=True)
class Problem:
    paper_id: str
    rule: str  # short stable name, e.g. "evidence-not-verbatim"
    field: str  # e.g. "claims[2].evidence", "code_url"
    message: str


ClaimCheck = Callable[[Claim, Paper], "str | None"]
ExtractionCheck = Callable[[Extraction, Paper], "list[tuple[str, str]]"]

MAX_TASK_WORDS = 8


# --- how numbers are written ---------------------------------------------------------------------------

# Digits as they appear in raw abstracts, including inside residue: `20.6times`, `sim0.6`, `\textless2MB`.
_NUMBER = re.compile(
    r"(?<![\d.,])(?P<digits>\d+(?:[.,]\d+)*|\.\d+)(?:\s*(?P<scale>k|K|M|B|bn|thousand|million|billion)\b)?"
)
_FRACTION = re.compile(r"(?<![\d.])(\d+)\s*/\s*(\d+)(?![\d.])")
_SCALE = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6, "B": 1e9, "bn": 1e9, "billion": 1e9}
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9,
    "half": 0.5, "halve": 0.5, "halves": 0.5, "halving": 0.5, "third": 1 / 3, "thirds": 1 / 3,
    "quarter": 0.25, "quarters": 0.25,
    "twice": 2, "double": 2, "doubles": 2, "doubled": 2, "doubling": 2,
    "thrice": 3, "triple": 3, "triples": 3, "tripled": 3, "tripling": 3,
    "quadruple": 4, "quadruples": 4, "quadrupled": 4,
}
_ORDERS = re.compile(r"\b(?:(an|one|a few|two|three|four|five|six|several|many|\d+)\s+)?orders?\s+of\s+magnitude", re.I)
_WORD = re.compile(r"[a-z]+", re.I)


def written_numbers(evidence: str) -> set[float]:
    """Every number the digits in `evidence` can be read as: `20,6` is 20.6 or 206, `5.7M` also 5.7e6."""
    readings: set[float] = set()
    for match in _NUMBER.finditer(evidence):
        numbers = _digit_readings(match["digits"])
        scale = _SCALE.get(match["scale"] or "", 1.0)
        readings |= numbers | {n * scale for n in numbers}
    return readings


def _digit_readings(token: str) -> set[float]:
    variants = {token.replace(",", "")}  # commas as thousands separators
    if token.count(",") == 1 and "." not in token:
        variants.add(token.replace(",", "."))  # a decimal comma
    if token.count(".") > 1 and "," not in token:
        variants.add(token.replace(".", ""))  # dots as thousands separators
    out = set()
    for variant in variants:
        try:
            out.add(float(variant))
        except ValueError:
            pass
    return out


def worded_numbers(evidence: str) -> set[float]:
    """Numbers written as fractions or words (`1/3`, `two`, `twice`, `an order of magnitude`)."""
    found = {int(a) / int(b) for a, b in _FRACTION.findall(evidence) if int(b)}
    for word in _WORD.findall(evidence.lower()):
        word = word.removesuffix("fold") or word  # "tenfold", "two-fold"
        if word in _WORDS:
            found.add(float(_WORDS[word]))
    for match in _ORDERS.finditer(evidence):
        count = (match.group(1) or "").lower()
        if count.isdigit() or count in _WORDS or count in ("an", "one"):
            found.add(10.0 ** (1 if count in ("an", "one") else int(count) if count.isdigit() else _WORDS[count]))
        else:  # "orders of magnitude", "several orders of magnitude": any power of ten will do
            found |= {10.0**k for k in range(1, 10)}
    return found


def mentions_value(evidence: str, value: float) -> bool:
    """Whether `evidence` states `value`: exactly in digits, or loosely in words and fractions."""
    target = abs(value)
    if any(math.isclose(n, target, rel_tol=1e-9, abs_tol=1e-9) for n in written_numbers(evidence)):
        return True
    # Words and fractions are often turned into percentages or ratios: "1/3" -> 33.3, "doubles" -> 100%.
    loose = set()
    for n in worded_numbers(evidence):
        loose |= {n, 100 * n, 100 * (n - 1), 100 * (1 - n)}
    return any(math.isclose(n, target, rel_tol=0.01, abs_tol=0.01) for n in loose if n > 0)


def _fold(text: str) -> str:
    """Compare names ignoring case, spaces, punctuation, accents and LaTeX accent residue (`LL\\"aMmlein`)."""
    if not text.isascii():  # (ASCII has no accents to strip: most abstracts)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return letters_and_digits(text.lower())


# --- claim rules ---------------------------------------------------------------------------------------


def evidence_not_verbatim(claim: Claim, paper: Paper) -> str | None:
    """The evidence must be a substring of the raw abstract, and its offsets (when set) must slice it out."""
    if not claim.evidence:
        return "evidence is empty; quote the sentence part that states the number"
    if claim.evidence not in paper.abstract:
        return f"evidence {claim.evidence!r} is not a verbatim substring of the abstract"
    start, end = claim.evidence_start, claim.evidence_end
    if start is None and end is None:
        return None
    if start is None or end is None or not 0 <= start <= end <= len(paper.abstract):
        return f"evidence offsets {start}..{end} are incomplete or outside the abstract"
    if paper.abstract[start:end] != claim.evidence:
        return f"abstract[{start}:{end}] is {paper.abstract[start:end]!r}, not the evidence"
    return None


def evidence_missing_number(claim: Claim, paper: Paper) -> str | None:
    """The evidence must state the claimed number (and the range's high end) in some written form."""
    if not claim.evidence:
        return None  # evidence-not-verbatim already reports it
    absent = [v for v in (claim.value, claim.value_max) if v is not None and not mentions_value(claim.evidence, v)]
    if not absent:
        return None
    shown = " and ".join(f"{v:g}" for v in absent)
    return f"evidence {claim.evidence!r} does not contain {shown}"


def range_inverted(claim: Claim, paper: Paper) -> str | None:
    """A range is stored low end first: value <= value_max."""
    if claim.value_max is not None and claim.value_max < claim.value:
        return f"value_max {claim.value_max:g} is below value {claim.value:g}; value is the low end"
    return None


def percent_out_of_range(claim: Claim, paper: Paper) -> str | None:
    """Nothing can shrink by more than 100%; above that the number is probably a ratio (unit x)."""
    high = max(claim.value, claim.value_max if claim.value_max is not None else claim.value)
    if claim.kind == "reduction" and claim.unit == "%" and high > 100:
        return f"a reduction of {high:g}% is more than everything; is the unit x?"
    return None


def speedup_not_above_one(claim: Claim, paper: Paper) -> str | None:
    """A speed-up ratio of 1x or less is no speed-up: the value or the kind is wrong."""
    if claim.kind == "speedup" and claim.unit == "x" and claim.value <= 1:
        return f"a speed-up of {claim.value:g}x is not above 1"
    return None


# What a metric may not start with: words that begin a sentence fragment (a baseline "from FasterTransformer",
# a setting "at 32k tokens", a verb "achieves"), and what is left of a number or a unit ("128k context lengths",
# "7B model", "3D detection", "the model's accuracy", "+2 dB"). LaTeX commands are rendering residue.
_FRAGMENT_STARTS = frozenset(
    "from over than versus vs vs. compared against to at with without by on in of for under during after before via "
    "using across between within as and or but such respectively while when which that whose where based depending "
    "achieving achieves achieved reaching reaches improves improving improved reduces reducing demonstrates shows "
    "outperforms outperforming surpassing obtains is are was were be".split()
)
_NUMBER_RESIDUE = frozenset("k b bn t d s x × times fold pp dB ms pm percent points".lower().split())
_LATEX = frozenset("textbf textit textrm texttt mathrm mathbf mathcal mathit rightarrow leftarrow uparrow downarrow "
                   "textless textgreater".split())


def metric_not_a_metric(claim: Claim, paper: Paper) -> str | None:
    """The metric names what is measured ("inference speed"), not a leftover of the sentence around the number."""
    words = claim.metric.lower().replace("\\", " ").split()
    if not any(ch.isalpha() for ch in claim.metric):
        return f"metric {claim.metric!r} names nothing measured"
    latex = [w for w in words if w in _LATEX]
    if latex:
        return f"metric {claim.metric!r} holds LaTeX residue ({latex[0]}); name the quantity measured"
    if words[0] in _FRAGMENT_STARTS:
        return (f"metric {claim.metric!r} starts with {words[0]!r}: a piece of the sentence (a baseline, a setting), "
                "not the quantity measured")
    if words[0] in _NUMBER_RESIDUE and (len(words) > 1 or words[0] not in ("s", "d", "t")):
        return (f"metric {claim.metric!r} starts with {words[0]!r}, what is left of a number or unit "
                "(128k, 7B, 3D, 2 dB); name the quantity measured")
    return None


CLAIM_RULES: dict[str, tuple[str, ClaimCheck]] = {
    # rule name: (the claim field it points at, check)
    "evidence-not-verbatim": ("evidence", evidence_not_verbatim),
    "evidence-missing-number": ("evidence", evidence_missing_number),
    "range-inverted": ("value_max", range_inverted),
    "percent-out-of-range": ("value", percent_out_of_range),
    "speedup-not-above-one": ("value", speedup_not_above_one),
    "metric-not-a-metric": ("metric", metric_not_a_metric),
}


# --- extraction rules ----------------------------------------------------------------------------------


def task_too_long(extraction: Extraction, paper: Paper) -> list[tuple[str, str]]:
    """The task is a short noun phrase, not a sentence."""
    words = len(extraction.task.split())
    if words > MAX_TASK_WORDS:
        return [("task", f"task has {words} words; keep it to {MAX_TASK_WORDS} or fewer")]
    return []


def task_not_lowercase(extraction: Extraction, paper: Paper) -> list[tuple[str, str]]:
    """Tasks are lowercase so that the same task reads the same across papers."""
    if extraction.task != extraction.task.lower():
        return [("task", f"task {extraction.task!r} is not lowercase")]
    return []


def code_url_not_in_abstract(extraction: Extraction, paper: Paper) -> list[tuple[str, str]]:
    """The code URL is copied from the abstract, never guessed."""
    url = extraction.code_url
    if not url:
        return []
    squeezed = re.sub(r"\s+", "", paper.abstract).lower()
    if re.sub(r"\s+", "", url).lower() not in squeezed:
        return [("code_url", f"{url!r} does not occur in the abstract")]
    return []


def introduced_not_in_text(extraction: Extraction, paper: Paper) -> list[tuple[str, str]]:
    """A name the paper coins must be written in its title or abstract."""
    if not extraction.introduced:
        return []
    title, abstract = _fold(paper.title), _fold(paper.abstract)
    return [
        (f"introduced[{i}]", f"{name!r} occurs in neither the title nor the abstract")
        for i, name in enumerate(extraction.introduced)
        if not _fold(name) or (_fold(name) not in title and _fold(name) not in abstract)
    ]


def duplicate_claim(extraction: Extraction, paper: Paper) -> list[tuple[str, str]]:
    """The same number from the same evidence is one claim, listed once."""
    first: dict[tuple[float, str, str], int] = {}
    found = []
    for i, claim in enumerate(extraction.claims):
        key = (claim.value, claim.unit, claim.evidence)
        if key in first:
            found.append((f"claims[{i}]", f"repeats claims[{first[key]}] (same value, unit and evidence)"))
        else:
            first[key] = i
    return found


EXTRACTION_RULES: dict[str, ExtractionCheck] = {
    "task-too-long": task_too_long,
    "task-not-lowercase": task_not_lowercase,
    "code-url-not-in-abstract": code_url_not_in_abstract,
    "introduced-not-in-text": introduced_not_in_text,
    "duplicate-claim": duplicate_claim,
}

RULES: tuple[str, ...] = (*CLAIM_RULES, *EXTRACTION_RULES)


# --- store rules: what the stored rows say about each other ------------------------------------------------


def evidence_not_at_offsets(claim: Claim, paper: Paper) -> str | None:
    """A stored claim's evidence sits at its stored offsets in the stored abstract.

    Checked over the database, not the fresh extraction: it catches claims left over another
    version of the paper (same id, new text) and rows edited by hand."""
    start, end = claim.evidence_start, claim.evidence_end
    if start is None or end is None:
        return f"evidence {claim.evidence!r} has no offsets in the abstract"
    if not 0 <= start <= end <= len(paper.abstract) or paper.abstract[start:end] != claim.evidence:
        return f"the stored abstract[{start}:{end}] is {paper.abstract[start:end]!r}, not the evidence {claim.evidence!r}"
    return None


STORE_RULES: dict[str, tuple[str, ClaimCheck]] = {
    "evidence-not-at-offsets": ("evidence", evidence_not_at_offsets),
}


def check_stored(paper: Paper, extraction: Extraction) -> list[Problem]:
    """The store rules over one stored paper and its stored extraction."""
    return [
        Problem(paper.id, rule, f"claims[{i}].{field}", message)
        for i, claim in enumerate(extraction.claims)
        for rule, (field, check) in STORE_RULES.items()
        if (message := check(claim, paper))
    ]


def validate(paper: Paper, extraction: Extraction) -> list[Problem]:
    """Run every rule; an empty list means nothing looks wrong."""
    problems = []
    for i, claim in enumerate(extraction.claims):
        for rule, (field, check) in CLAIM_RULES.items():
            message = check(claim, paper)
            if message:
                problems.append(Problem(paper.id, rule, f"claims[{i}].{field}", message))
    for rule, check in EXTRACTION_RULES.items():
        problems.extend(Problem(paper.id, rule, field, message) for field, message in check(extraction, paper))
    return problems

