"""Rules that find what a paper could claim or coin: quantities, URLs and names, with their spans.

Everything here reads the *clean* text of `normalize` and returns spans in it; the pipeline
maps them back to raw offsets for evidence. Rules over-generate a little on purpose: the
model (or the labelling rules) chooses among candidates, and never invents outside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def split_spans(text: str, pattern: re.Pattern[str] = _SENTENCE_END) -> list[Span]:
    """Spans of the pieces between separators (sentences by default)."""
    spans, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            spans.append(Span(pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(pos, len(text)))
    return spans


def _enclosing(spans: list[Span], pos: int) -> Span:
    for s in spans:
        if s.start <= pos < s.end:
            return s
    return Span(0, 0)


# --- quantities --------------------------------------------------------------------------------

_UNIT = r"(?P<unit>\s?%|\s?×|\s?[xX](?![A-Za-z0-9])|\s?-?fold\b|\s+times\b)?"
_QUANTITY = re.compile(
    r"(?<![\w.\-/^])(?P<cur>\$)?(?P<a>" + NUM + r")(?P<aunit>\s?%|\s?×)?"
    r"(?:(?P<sep>\s?(?:-|–|~)\s?|\s+to\s+)(?P<b>" + NUM + r"))?" + _UNIT + r"(?![\d/])"
)
_FRACTION = re.compile(r"\bby\s+(?P<a>[1-9])/(?P<d>[2-9])(?:\s+to\s+(?P<b>[1-9])/(?P<e>[2-9]))?")
_MAGNITUDE = re.compile(r"\b(?P<n>one|two|three|four|five)\s+orders?\s+of\s+magnitude\b", re.I)
_WORD_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}

# What a bare number must be followed by to count as a measured result (else it is set-up).
_METRICS = r"BLEU|CIDEr|SARI|FID|ROUGE[-\w]*|BERTscore|F1|perplexity|accuracy|score"
_ABS_AFTER = re.compile(r"\s?(?:-\s?)?(?:points?|pts|pp|F_?0?\.5|EM|mAP|AUC|WER|CER|MRR|NDCG|PPL|" + _METRICS + r")\b", re.I)
_ABS_BEFORE = re.compile(r"(?:scores? of|accuracy of|budget of(?: just)?|\$|<|less than|" + _METRICS + r")\s*(?:of\s*)?$", re.I)
_VERSUS_BEFORE = re.compile(r"\b(?:vs\.?|versus)\s*$", re.I)
_VERSUS_AFTER = re.compile(r"\s*\(?\s*(?:vs\.?|versus)\s", re.I)
# A number right after these is a size or a count of the set-up, not a result.
_SETUP_AFTER = re.compile(
    r"\s?(?:[BMKT]\b|billion|million|thousand|k\b|parameters|params|tokens|layers|languages|tasks|datasets|"
    r"examples|samples|models|benchmarks|GPUs?|hours of|epochs|steps|images|papers|days)",
    re.I,
)

_BOUNDS = (
    ("up-to", re.compile(r"(?:up\s+to|as\s+much\s+as|as\s+high\s+as|as\s+many\s+as|less\s+than|fewer\s+than|under|within|at\s+most|<|≤)\s*\$?$", re.I)),
    ("at-least", re.compile(r"(?:over|more\s+than|at\s+least|exceeding|above|greater\s+than|>|≥)\s*\$?$", re.I)),
    ("about", re.compile(r"(?:about|around|approximately|roughly|nearly|almost|~|≈)\s*\$?$", re.I)),
)


def _number(s: str) -> float:
    return float(s.replace(",", ""))


def _unit(symbol: str | None) -> str:
    symbol = (symbol or "").strip().lower()
    if symbol == "%":
        return "%"
    if symbol in {"×", "x", "times", "fold", "-fold"}:
        return "x"
    return "abs"


def _bound(before: str) -> str:
    for name, pattern in _BOUNDS:
        if pattern.search(before):
            return name
    return "exact"


def _is_result_number(text: str, m: re.Match[str], unit: str) -> bool:
    """Bare numbers count only next to a metric; units like B or M mark sizes, not results."""
    after = text[m.end() : m.end() + 24]
    before = text[max(0, m.start() - 20) : m.start()]
    if _VERSUS_BEFORE.search(before):
        return False  # "2.9 vs. 2.2": the second number is the baseline
    if unit != "abs":
        return True
    if re.match(r"\d{4}$", m.group("a")) and 1900 < _number(m.group("a")) < 2100:
        return False
    if _SETUP_AFTER.match(after):
        return False
    return bool(_ABS_AFTER.match(after) or _ABS_BEFORE.search(before) or _VERSUS_AFTER.match(after) or m.group("cur"))


def find_quantities(text: str) -> list[Quantity]:
    """Numbers with units, ranges and bound words; sizes, years and counts are left out."""
    clauses = split_spans(text)
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        unit = _unit(m.group("unit") or m.group("aunit"))
        if not _is_result_number(text, m, unit):
            continue
        value = _number(m.group("a"))
        value_max = _number(m.group("b")) if m.group("b") else None
        if value_max is not None and value_max <= value:
            continue  # "3-2" or a date-like pair is no range
        before = text[max(0, m.start() - 24) : m.start()]
        found.append(
            Quantity(value, value_max, unit, _bound(before), m.start(), m.end(), m.group(0), _enclosing(clauses, m.start()))
        )
    for m in _FRACTION.finditer(text):
        value = round(100 * int(m.group("a")) / int(m.group("d")), 1)
        vmax = round(100 * int(m.group("b")) / int(m.group("e")), 1) if m.group("b") else None
        found.append(Quantity(value, vmax, "%", "exact", m.start(), m.end(), m.group(0), _enclosing(clauses, m.start())))
    for m in _MAGNITUDE.finditer(text):
        value = float(10 ** _WORD_NUM[m.group("n").lower()])
        found.append(Quantity(value, None, "x", "about", m.start(), m.end(), m.group(0), _enclosing(clauses, m.start())))
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
            and re.search(r"\band\b|,", text[prev.end : q.start])
            and not re.search(r"\b(?:while|whereas|but|uses?|is|are|has|have|achieves?|reduces?|requires?|needs?|runs?)\b", text[prev.end : q.start])
        ):
            q = Quantity(q.value, q.value_max, q.unit, prev.bound, q.start, q.end, q.text, q.clause)
        out.append(q)
    return out


# --- URLs --------------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:https?\s?:\s?//\s?|www\.)[^\s{}<>\"']+|\b(?:github\.com|gitlab\.com|huggingface\.co|aka\.ms|bit\.ly)/[^\s{}<>\"']+",
    re.I,
)


def clean_url(url: str) -> str:
    """Drop scrape residue: a space inside `https: //`, trailing punctuation, `{link text}`."""
    url = re.sub(r"\s+", "", url)
    url = re.sub(r"\{.*$", "", url)
    return url.rstrip(".,;:)]}'\"")


def find_urls(text: str) -> list[Candidate]:
    return [Candidate("url", clean_url(m.group(0)), m.start(), m.end()) for m in _URL.finditer(text)]


_CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "bitbucket.org")


def pick_code_url(urls: list[Candidate]) -> str | None:
    """The release URL: a code host first, else the first URL the abstract gives."""
    for u in urls:
        if any(h in u.text.lower() for h in _CODE_HOSTS):
            return u.text
    return urls[0].text if urls else None


# --- coined names ------------------------------------------------------------------------------

# Names the corpus uses but does not coin; they are never "introduced".
KNOWN_NAMES = frozenset(
    "bert roberta gpt gpt2 gpt3 gpt4 gpt35 chatgpt llama llama2 llama3 t5 bart mamba vit clip mistral falcon gemma "
    "qwen phi opt bloom palm xlnet electra deberta albert whisper wav2vec hubert mt5 flant5 modernbert splade "
    "llm llms lm lms nlp nlu nlg ai gpu gpus cpu cpus tpu api sota moe rag asr tts mt qa vlm vlms mllm mllms "
    "rnn rnns lstm cnn cnns ssm ssms kv fp16 fp32 int8 int4 bf16 glue superglue mmlu imagenet coco squad "
    "librispeech humaneval gsm8k wmt ctc json html url pdf sql flops mteb dna rna ner mlm nli pos i ii iii iv we our the this".split()
)
_COIN_VERB = re.compile(
    r"\b(?:we|this\s+paper|this\s+work|paper)\s+(?:\w+\s+){0,2}?(?:propose|introduce|present|develop|design|build|release|call|dub|name|term|create|construct|curate)s?d?\b"
    r"|\b(?:called|named|dubbed|termed|coined)\b",
    re.I,
)
_NAME_TOKEN = re.compile(r"(?<![\w-])([A-Za-z][\w\-.+]*?[\w+])(?![\w-])")
_ACRONYM_DEF = re.compile(r"((?:[A-Z][\w\-]*\s+){1,8}?(?:[\w\-]+\s+){0,3}[\w\-]+)\s+\(([A-Z][\w\-]*[A-Z0-9][\w\-]*)\)")


def _looks_coined(token: str) -> bool:
    """Coined names mix case inside a word, carry digits, or are all capitals: CodeT5, VoxtLM, DONUT.

    "Decoder-Only" or "Pre-Training" are capitalised compounds, not names."""
    core = token.strip(".-+")
    if len(core) < 2 or re.sub(r"[\W_]+", "", core.lower()) in KNOWN_NAMES:
        return False
    parts = [p for p in re.split(r"[-.]", core) if p]
    inner_caps = any(any(c.isupper() for c in p[1:]) for p in parts)
    has_digit = any(c.isdigit() for c in core) and any(c.isalpha() for c in core)
    return inner_caps or has_digit


def _initials_match(full: str, acronym: str) -> bool:
    """"Vision-enhanced eXtreme Multi-label Learning" spells ViXML: same first letter, the rest in order."""
    letters = re.sub(r"[^a-z0-9]", "", full.lower())
    caps = re.sub(r"[^a-z0-9]", "", acronym.lower())
    if len(caps) < 2 or not letters.startswith(caps[0]):
        return False
    at = 0
    for c in caps[1:]:
        at = letters.find(c, at + 1)
        if at < 0:
            return False
    return True


def _title_prefix(title: str, text: str) -> list[Candidate]:
    """"CodeT5: Identifier-aware ..." coins CodeT5; "You Only Cache Once: ..." coins it when the
    abstract uses its acronym (YOCO); a plain-English prefix coins nothing."""
    head, sep, _ = title.partition(":")
    head = head.strip()
    words = head.split()
    if not sep or not 1 <= len(words) <= 5 or head.lower() in KNOWN_NAMES:
        return []
    name = Candidate("name", head, 0, len(head))
    if len(words) == 1 and head[:1].isupper():
        return [name]
    if len(words) <= 2 and any(_looks_coined(w) for w in words):
        return [name]
    initials = "".join(w[0] for w in words if w[:1].isalpha())
    acronym = re.search(r"\b(" + re.escape(initials) + r")\b", text, re.I) if len(initials) >= 3 else None
    if acronym and all(w[:1].isupper() for w in words):
        at = len(title) + 1  # offsets are into title + "\n" + text
        return [name, Candidate("name", acronym.group(1), at + acronym.start(1), at + acronym.end(1))]
    return []


_COINED_PHRASE = re.compile(r"^\s*(?:(?:a|an|the|our)\s+)?(?:(?:new|novel|simple|first)\s+)*((?:[A-Z][\w\-+]*\s+){1,4}?[A-Z][\w\-+]*)\b")


def find_names(title: str, text: str) -> list[Candidate]:
    """Names the paper may coin: the title's prefix and coined-looking title words, acronyms
    it defines while proposing something, and the name right after a verb that coins.
    Offsets into `title + "\\n" + text`."""
    names: list[Candidate] = list(_title_prefix(title, text))
    offset = len(title) + 1
    whole = title + "\n" + text
    coin_spans = [Span(0, len(title))] + [
        Span(offset + s.start, offset + s.end) for s in split_spans(text) if _COIN_VERB.search(text[s.start : s.end])
    ]
    for m in _ACRONYM_DEF.finditer(whole):
        acronym = m.group(2)
        words = m.group(1).split()
        # The definition is the shortest run of trailing words that spells the acronym:
        # "We propose Future Token Prediction (FTP)" -> "Future Token Prediction".
        full = next((" ".join(words[-k:]) for k in range(1, len(words) + 1)
                     if words[-k][:1].isupper() and _initials_match(" ".join(words[-k:]), acronym)), "")
        in_coin = any(s.start <= m.start(2) < s.end for s in coin_spans) or acronym in title
        if not in_coin or acronym.lower() in KNOWN_NAMES or not full or not _initials_match(full, acronym):
            continue
        names.append(Candidate("name", acronym, m.start(2), m.end(2)))
        names.append(Candidate("name", full, m.end(1) - len(full), m.end(1)))
    for verb in _COIN_VERB.finditer(text):
        after = text[verb.end() : verb.end() + 80]
        tokens = _NAME_TOKEN.findall(after.split(",")[0].split(" that ")[0])[:6]
        coined = [t for t in tokens if _looks_coined(t) or (t.isupper() and len(t) >= 3 and t.lower() not in KNOWN_NAMES)]
        if coined:
            start = offset + verb.end() + after.find(coined[0])
            names.append(Candidate("name", coined[0], start, start + len(coined[0])))
            continue
        phrase = _COINED_PHRASE.match(after)
        if phrase and not any(w.lower() in KNOWN_NAMES for w in phrase.group(1).split()):
            start = offset + verb.end() + phrase.start(1)
            names.append(Candidate("name", phrase.group(1), start, start + len(phrase.group(1))))
    for m in _NAME_TOKEN.finditer(title):
        if _looks_coined(m.group(1)):
            names.append(Candidate("name", m.group(1), m.start(1), m.end(1)))
    return _unique(names)


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def _unique(names: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for n in names:
        k = _key(n.text)
        if k and k not in seen and not k.rstrip("s") in KNOWN_NAMES:
            seen.add(k)
            out.append(n)
    return out
