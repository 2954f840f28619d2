"""Rules that find the names a paper coins: CodeT5, "Future Token Prediction (FTP)", "what we call
codebook features", and the variants and spelled-out forms of those names.

A name counts only where the paper shows it is its own: in the title, after a verb that coins
("we propose", "dubbed", "we refer to as"), behind "our" / "novel", or as a variant or expansion
of a name already found. Offsets are into `title + "\\n" + text`, like the other candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from extractor.candidates import Candidate, Span, find_urls, split_spans
from extractor.cues import matches_from, may_match

# Names the corpus uses but does not coin; they are never "introduced".
KNOWN_NAMES = frozenset(
    "bert roberta gpt gpt2 gpt3 gpt4 gpt35 chatgpt llama llama2 llama3 t5 bart mamba vit clip mistral falcon gemma "
    "qwen phi opt bloom palm xlnet electra deberta albert whisper wav2vec hubert mt5 flant5 modernbert splade "
    "llm llms lm lms nlp nlu nlg ai gpu gpus cpu cpus tpu api sota moe rag asr tts mt qa vlm vlms mllm mllms "
    "rnn rnns lstm cnn cnns ssm ssms kv fp16 fp32 int8 int4 bf16 glue superglue mmlu imagenet coco squad "
    "librispeech humaneval gsm8k wmt ctc json html url pdf sql flops mteb dna rna ner mlm nli pos seq2seq "
    "lora qlora peft rlhf dpo ppo sft cot icl mha gqa mqa ffn mlp rl qat sae saes mri ct cxr ocr vqa iqa t2i t2v "
    "github huggingface pytorch tensorflow jax arxiv openai i ii iii iv we our the this".split()
)
# Head nouns that follow a name without being part of it: "our ViXML framework (ViXML)".
_HEADS = r"framework|mechanism|method|strategy|approach|technique|module|scheme|algorithm|paradigm|pipeline|task|benchmark|dataset"
_OWN = re.compile(r"\b(?:our|novel|new|innovative|proposed|named|called|dubbed|termed|coined|name|call|term)\b", re.I)
_COIN_VERB = re.compile(
    r"\b(?:we|this\s+(?:paper|work|study|article)|paper)\s+(?:\w+\s+){0,2}?"
    r"(?:propose|introduce|present|develop|design|build|release|call|dub|name|term|create|construct|curate)s?d?\b"
    r"|\bour\s+(?:proposed|novel|new)\b"
    r"|\band\s+(?:then\s+)?(?:propose|introduce|present|develop|design|build|construct|curate)\b"  # "We study X and propose Y": the base form is ours
    r"|(?-i:\b(?:called|named(?!\s+entit)|dubbed|termed|coined)\b)",
    re.I,
)
# Where a match of _COIN_VERB can begin, in lowercased text ("we", "this", "our", "called" ...): `coin_verbs` tries it there.
_COIN_START = re.compile(r"a(?<=\ba)nd\s+(?:then\s+)?(?:pro|int|pre|dev|des|bui|con|cur)|(?:w(?<=\bw)e|t(?<=\bt)his|p(?<=\bp)aper|o(?<=\bo)ur|c(?<=\bc)alled|n(?<=\bn)amed|d(?<=\bd)ubbed|"
                         r"t(?<=\bt)ermed|c(?<=\bc)oined)\b")
_PASSIVE_COIN = re.compile(r"\b(?:is|are)\s+(?:also\s+)?(?:introduced|proposed|presented)\b")
# Words that end the object of a coining verb: "we present X to support the ecosystem of Y (Z)".
_OBJECT_END = re.compile(r"\b(?:to|which|that|using|of|on|from|in|for)\b|[.;]")
# "what we call X", "a process we refer to as X", "dubbed (as) X": the name may be lowercase.
_NAMING = re.compile(
    r"(?:\bwe\s+(?:call|term|name|dub)|\brefer(?:red)?\s+to\s+as|(?-i:\b(?:called|named(?!\s+entit)|dubbed|termed|coined))(?:\s+as)?"
    r"|\b(?:framework|method|strategy|approach|technique|module|scheme|algorithm|paradigm|pipeline|variants?),?\s+namely,?)"
    r"\s+(?:(?:it|this|these|them)\s+(?:\w+\s+)?(?=a\s|an\s|the\s))?(?:(?:it|this)\s+)?(?:(?:a|an|the)\s+)?",
    re.I,
)
# In every match of _NAMING, lowercased: most abstracts hold none (`cues.may_match`).
_NAMING_HINT = re.compile(r"we\s+(?:call|term|name|dub)|refer|called|named|dubbed|termed|coined|namely")
# Where a match of _NAMING can begin, in lowercased text: `_namings` tries it there.
_NAMING_START = re.compile(r"w(?<=\bw)e|r(?<=\br)efer|c(?<=\bc)alled|n(?<=\bn)amed|d(?<=\bd)ubbed|t(?<=\bt)ermed|c(?<=\bc)oined|"
                           r"f(?<=\bf)ramework|m(?<=\bm)ethod|s(?<=\bs)trategy|a(?<=\ba)pproach|t(?<=\bt)echnique|m(?<=\bm)odule|"
                           r"s(?<=\bs)cheme|a(?<=\ba)lgorithm|p(?<=\bp)aradigm|p(?<=\bp)ipeline|v(?<=\bv)ariant")
_PHRASE_STOP = re.compile(r"[,.;:()]|\s--?\s|(?<![\w-])(?:which|that|to|and|for|in|with|is|are|as|by|on|of|where|whose)(?![\w-])")
_QUOTED = re.compile(r"^[`'\"\u2018\u201c]([^`'\"\u2019\u201d]{2,60})[`'\"\u2019\u201d]")
_TOKEN = re.compile(r"(?<![\w-])([A-Za-z][\w\-.+]*?[\w+])(?![\w-])")
_PAREN = re.compile(r"\(([A-Za-z][\w\-]{0,14}[A-Za-z0-9])\)")
_CAPITALISED_PHRASE = re.compile(
    r"^\s*(?:(?:a|an|the|our)\s+)?(?:(?:new|novel|simple|first)\s+)*((?:[A-Z][\w\-+]*\s+){1,4}[A-Z][\w\-+]*)\b"
)
_QUOTED_NAME = re.compile(r"^\s*(?:(?:a|an|the|our)\s+)?[`'\"\u2018\u201c]([^`'\"\u2019\u201d]{2,40})[`'\"\u2019\u201d]")
_HYPHENATED_NAME = re.compile(r"^\s*(?:(?:a|an|the|our)\s+)?((?:[A-Z][a-z0-9]+-)+[A-Z][a-z0-9]+)\s+(?:" + _HEADS + r")\b")
# "Tracr-compiled", "X-based": a name used as a modifier, not a variant of it.
_MODIFIER = re.compile(r"-(?:\w+ed|based|like|style|only|free|specific|aware|level|scale|sized?|friendly)$")
# "we introduce ModernBERT, ...", "We introduce the Falcon series": the paper behind a name now known.
_KNOWN_INTRODUCED = re.compile(r"^\s+(?:the\s+)?([A-Z][\w\-.]*\w)(?=\s*(?:[,.:(]|\s(?:series|family|suite)\b))")
# "a post-training method, CFGPT, that ...": the object's head noun, then the name set off by a comma.
_APPOSITIVE = re.compile(
    r"\s*(?:an?|the|our)\s+[^,;:()]{0,80}?\b(?:" + _HEADS + r"|model|system|metric|loss|function|architecture|network|corpus|suite|"
    r"toolkit|library|agent|solver|tool)s?\s*,\s*(?:(?:called|named|dubbed|termed)\s+)?([A-Za-z][\w\-.+]*[\w+])(?=\s*[,.;:(]|\s+(?:which|that|to|for|with|and)\b|$)"
)
_ARTICLES = ("The", "A", "An", "Our")
# Names of ideas rather than of things made: a hypothesis, an effect, a problem (space before, not "Text-bias").
_CONCEPT_END = re.compile(r"(?<=\s)(?:hypothesis|assumption|phenomenon|effect|problem|principles?|paradox|dilemma|curse|illusion)$", re.I)
_CONCEPT_BEFORE = re.compile(r"\b(?:phenomenon|phenomena|concept|pattern|effect|failure|behaviou?r|problem|issue|bias|property|tendency|hypothesis|notion)"
                             r"\s*,?\s*(?:which\s+|that\s+)?(?:we\s+(?:call|term|name|dub|refer\s+to\s+as)|(?:is\s+)?(?:called|termed|dubbed|named|referred\s+to\s+as|coined))"
                             r"\s*(?:the\s+)?['\"`\u2018\u201c]?\s*$", re.I)
_TITLE_SEP = re.compile(r":\s|(?<=\w):(?=[A-Z])|\s--?\s|\s\u2014\s")
_MINOR = frozenset("a an the of for with and to on in by from via as at only".split())
# Static patterns compiled once: names are searched for with plain string search (`word_hits`), never
# with a pattern built per name, so these stay compiled (Python's regex cache holds only 512).
_NON_KEY = re.compile(r"[\W_]+")
_PARTS = re.compile(r"[-.]")
_VERSION_ONLY = re.compile(r"[vV]\d+")
_DIGIT = re.compile(r"\d")
_CLAUSE_CUT = re.compile(r"[,;:(\"]")
_HEAD_WORD = re.compile(_HEADS, re.I)
_HEAD_OR_MODEL_AFTER = re.compile(r"\s*(?:" + _HEADS + r"|model)\b")
_TRAILING_HEAD = re.compile(r"\s+(?:" + _HEADS + r")$")
_REPORT = re.compile(r"((?:[A-Z][\w\-.]*\s+){0,2}[A-Z][\w\-.]*)\s+Technical\s+Report\b")
_DEFINED = re.compile(r"(.+?)\s*\(([^()]+)\)")
_SENTENCE_CUT = re.compile(r"(?<=[.;])\s")
_PREPOSITION_CUT = re.compile(r"\s(?:for|with|via|using|through|in|on|from)\s")
_WORD_SPLIT = re.compile(r"[\s-]+")
# What follows a name that is spelled out next to it: "DONUT, a Decoder-Only Network ...".
_EXPANSION_AFTER = re.compile(r"(?:,|:|\s\()\s*(?:(?:a|an|the)\s+)?([A-Z][^,.;:()\n]{3,80})")
_VARIANT_AFTER = re.compile(r"-[A-Za-z0-9](?:[\w.]*\w)?(?![\w-])")


def _word_char(c: str) -> bool:
    """What `\\w` matches: alphanumerics (str.isalnum) and the underscore."""
    return c.isalnum() or c == "_"


def word_hits(text: str, word: str, ignore_case: bool = False, hyphen: bool = True) -> Iterator[int]:
    """Where `word` stands alone in `text` (not inside a longer word, nor a hyphenated compound when
    `hyphen`), left to right without overlaps, like `re.finditer` over `(?<![\\w-])WORD(?![\\w-])`
    but without compiling a pattern per word (plain `str.find`)."""
    if not word:
        return
    if ignore_case:
        low_text, low_word = text.lower(), word.lower()
        if len(low_text) != len(text) or len(low_word) != len(word):  # a letter whose lower case is longer
            flags = re.I
            edge = r"[\w-]" if hyphen else r"\w"
            for m in re.finditer(r"(?<!" + edge + ")" + re.escape(word) + r"(?!" + edge + ")", text, flags):
                yield m.start()
            return
        text, word = low_text, low_word
    n = len(word)
    at = text.find(word)
    while at >= 0:
        end = at + n
        before = text[at - 1] if at else ""
        after = text[end] if end < len(text) else ""
        if not (before and (_word_char(before) or hyphen and before == "-")) and not (after and (_word_char(after) or hyphen and after == "-")):
            yield at
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)


def _left_free(text: str, at: int) -> bool:
    """No word character or hyphen just before `at`."""
    return at == 0 or not (_word_char(text[at - 1]) or text[at - 1] == "-")


def followed_by(text: str, word: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """`(?<![\\w-])WORD` + `pattern`, left to right without overlaps as `re.finditer` would give
    them: each start offset of `word` with the match of `pattern` right after it."""
    at, n = text.find(word), len(word)
    while at >= 0 and word:
        m = pattern.match(text, at + n) if _left_free(text, at) else None
        if m:
            yield at, m
            at = text.find(word, max(m.end(), at + 1))
        else:
            at = text.find(word, at + 1)


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """How names compare: case, spaces and punctuation ignored ("Nugget 2D" == "Nugget2D")."""
    return letters_and_digits(name.lower())


def letters_and_digits(text: str) -> str:
    """`text` with everything but letters and digits deleted (`[\\W_]+`); on ASCII, deleted in C."""
    if text.isascii():  # `[\W_]+` is every byte but a letter or digit
        return text.encode("ascii").translate(None, _NOT_ALNUM).decode("ascii")
    return _NON_KEY.sub("", text)


_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


@lru_cache(maxsize=65536)
def looks_coined(token: str) -> bool:
    """Coined names mix case inside a word or carry digits: CodeT5, VoxtLM, mmMamba.

    "Decoder-Only" or "Pre-Training" are capitalised compounds, not names; "$L_2$" is maths;
    capitals alone (RFID, SLMs) are acronyms, coined only where the paper says so."""
    core = token.strip(".-+")
    if len(core) < 2 or "_" in core or key(core) in KNOWN_NAMES or _MODIFIER.search(core) or _VERSION_ONLY.fullmatch(core):
        return False
    has_digit = any(map(str.isdigit, core)) and any(map(str.isalpha, core))
    return has_digit or any(_mixed_case(p) for p in _PARTS.split(core))


def _mixed_case(word: str) -> bool:
    """mmMamba, ALLaM, GECTurk: capitals inside a word with small letters; not "Only", not "LLMs"."""
    word = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
    upper = sum(map(str.isupper, word))
    return any(map(str.islower, word)) and (upper >= 2 or word[:1].islower() and upper >= 1)


@lru_cache(maxsize=65536)
def _is_acronym(token: str) -> bool:
    """DONUT, PIM-GPT, ATGC-Gen: a name built on capitals the corpus does not already know."""
    parts = _PARTS.split(token)
    return key(token) not in KNOWN_NAMES and any(len(p) >= 3 and p.isupper() and key(p) not in KNOWN_NAMES for p in parts)


def initials_match(full: str, acronym: str) -> bool:
    """"Vision-enhanced eXtreme Multi-label Learning" spells ViXML: same first letter, the rest in order."""
    letters = key(full)
    caps = key(acronym) if _DIGIT.search(full) else _DIGIT.sub("", key(acronym))
    if len(caps) < 2 or not letters.startswith(caps[0]):
        return False
    at = 0
    for c in caps[1:]:
        at = letters.find(c, at + 1)
        if at < 0:
            return False
    return True


def _spelled_out(before: str, acronym: str) -> str:
    """The words just before "(ACR)" that spell it, shortest run first: "... we propose Future
    Token Prediction (FTP)" -> "Future Token Prediction". A trailing head noun is dropped when
    the rest still spells it ("our eXtreme Multi-label Learning framework (XML)")."""
    words = _CLAUSE_CUT.split(before)[-1].split()
    # the head stays when it spells the acronym's last letter: "Massive Text Embeddings Benchmark (MTEB)"
    stripped = words[:-1] if words and _HEAD_WORD.fullmatch(words[-1]) and words[-1][0].lower() != acronym[-1:].lower() else None
    for run in ([stripped] if stripped else []) + [words]:
        for k in range(1, min(len(run), len(acronym) + 4) + 1):
            first = run[-k].lstrip("`'\u2018\u201c")
            if first.lower() in _MINOR or not first[:1].lower() == acronym[:1].lower():
                continue
            full = " ".join(run[-k:]).strip("`'\u2018\u2019\u201c\u201d")
            if initials_match(full, acronym):
                return full
    return ""


# Title heads that are a sentence or a class of things, not a name: "The Journey Matters: ...",
# "Beyond Decoder-only: ...", "Small Language Models: a Survey", "Revisiting Pre-Training: ...".
_NOT_A_NAME = re.compile(r"^(?:the|a|an|beyond|towards?|on|why|what|how|when|is|are|do|does|can)\b|^\w+ing\b|language models?$", re.I)


def _title_names(title: str, text: str) -> list[Candidate]:
    """"CodeT5: ..." and "MLP Memory: ..." coin their head, and so does "Salamandra Technical Report";
    "You Only Cache Once: ..." coins it when the abstract uses its acronym (YOCO); a head that is a
    sentence or a class of things ("The Journey Matters: ...", "Small Language Models: ...") coins
    nothing. Coined-looking title words count too."""
    names = [Candidate("name", m.group(1), m.start(1), m.end(1)) for m in _TOKEN.finditer(title) if looks_coined(m.group(1))]
    report = _REPORT.match(title)
    if report and not _NOT_A_NAME.search(report.group(1)):
        return [Candidate("name", report.group(1), 0, report.end(1))] + names  # "Salamandra Technical Report"
    head, sep, _ = title.partition(":")
    head = head.strip()
    words = head.split()
    if sep and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not _NOT_A_NAME.search(head) and _head_used(head, words, text):
        return [Candidate("name", head, 0, len(head))] + names  # "MLP Memory: ...", "Diverse Beam Search: ..."
    if sep and len(words) == 1 and key(head) in KNOWN_NAMES:
        return [Candidate("name", head, 0, len(head))] + names  # "ELECTRA: ...": the paper that coined a now-known name
    if not sep or not 1 <= len(words) <= 5 or key(head) in KNOWN_NAMES:
        return names
    defined = _DEFINED.fullmatch(head)  # "Tiny Time Mixers (TTMs): ..."
    if defined and initials_match(defined.group(1), defined.group(2)):
        return [Candidate("name", defined.group(1), 0, defined.end(1)), Candidate("name", defined.group(2), defined.start(2), defined.end(2))]
    name = Candidate("name", head, 0, len(head))
    if len(words) == 1 and head[:1].isupper() or len(words) <= 2 and any(looks_coined(w) for w in words):
        return [name] + names
    initials = "".join(w[0] for w in words if w[:1].isalpha())
    acronym = next(word_hits(text, initials, ignore_case=True, hyphen=False), -1) if len(initials) >= 3 else -1
    generic = head.lower() in text.lower() and head not in text
    if acronym >= 0 and all(w[:1].isupper() for w in words) and not generic:
        at = len(title) + 1 + acronym
        return [name, Candidate("name", text[acronym : acronym + len(initials)], at, at + len(initials))] + names
    return names


def _head_used(head: str, words: list[str], text: str) -> bool:
    """A title head of plain words is a name when the abstract uses it ("MLP Memory: ..."), or it holds a
    coined or known word ("Nugget 2D", "Multimodal Mamba"); a slogan the abstract never repeats
    ("Behave Your Motion: ...", "Consistent Yet Wrong: ...") is not."""
    if next(word_hits(text, head, ignore_case=True), -1) >= 0:
        return True
    return any(_coined_token(w) or key(w) in KNOWN_NAMES or _DIGIT.search(w) for w in _WORD_SPLIT.split(head) if w)


def _title_names_it(acronym: str, title: str) -> bool:
    """The title coins the acronym when it is the title's head ("TAP: A Token-Adaptive Predictor ...") or is
    spelled out there ("Tiny Time Mixers (TTMs): ..."); an acronym used elsewhere in the title is a term of
    the field ("... Mitigating Hallucinations in LLM-Generated HDL", "IELTS Writing Revision Platform ...")."""
    head, sep, _ = split_title(title)
    return bool(sep) and head.strip() == acronym or f"({acronym})" in title


def split_title(title: str) -> tuple[str, str, str]:
    """Head, separator and rest of a title ("ACR: A ...", "ProMSA:Progressive ...", "X -- Y"); the whole title if none."""
    m = _TITLE_SEP.search(title)
    return (title[: m.start()], m.group(0), title[m.end() :]) if m else (title, "", "")


def _coins(sentence: str, start: int, title: str, acronym: str) -> bool:
    """Whether the name starting at `start` of `sentence` is the paper's own."""
    if _title_names_it(acronym, title):
        return True
    if _OWN.search(" ".join(sentence[:start].split()[-2:])):
        return True
    for verb in _COIN_VERB.finditer(sentence[:start]):
        gap = sentence[verb.end() : start].rpartition(":")[2]
        if not _OBJECT_END.search(gap):
            return True
    return len(sentence[:start].split()) <= 2 and bool(_PASSIVE_COIN.search(sentence, start))


def _definitions(title: str, whole: str, sentences: list[Span]) -> list[Candidate]:
    """"Full Name (ACR)" where the paper coins it: both strings."""
    names = []
    for m in _PAREN.finditer(whole):
        acronym = m.group(1)
        sentence = next((s for s in sentences if s.start <= m.start() < s.end), Span(0, len(title)))
        before = whole[sentence.start : m.start()]
        after = whole[m.end() : sentence.end]
        prev = before.split()[-1] if before.split() else ""
        if key(acronym) in KNOWN_NAMES or not (sum(map(str.isupper, acronym)) >= 2 or looks_coined(prev) and "-" in acronym):
            continue
        full = _spelled_out(before, acronym)
        at = before.rfind(full)
        if not full or not _coins(before + m.group(0) + after, at, title, acronym) or _CONCEPT_END.search(full):
            continue
        named = _OWN.search(" ".join(before[:at].split()[-2:])) or looks_coined(acronym) and whole.count(acronym) >= 2
        if full.islower() and (not named or _HEAD_OR_MODEL_AFTER.match(after)):
            continue  # a lower-case term needs "dubbed", "our" or a coined acronym; not "a novel reinforcement learning (RL) framework"
        names.append(Candidate("name", acronym, m.start(1), m.end(1)))
        names.append(Candidate("name", full, sentence.start + at, sentence.start + at + len(full)))
    return names


def _phrase(after: str) -> tuple[int, str]:
    """The name right after a naming verb: a quoted phrase, or up to four words before a stop."""
    quoted = _QUOTED.match(after)
    if quoted:
        return quoted.start(1), quoted.group(1)
    stop = _PHRASE_STOP.search(after)
    words = after[: stop.start() if stop else len(after)].split()[:4]
    if not words:
        return 0, ""
    return after.find(words[0]), " ".join(words)


@lru_cache(maxsize=4)
def coin_verbs(text: str) -> tuple[re.Match[str], ...]:
    """The coining verbs of an abstract, found once for the rules and the learned candidates (on ASCII
    text, where lowercasing keeps offsets and is what case-insensitive matching does, tried only where
    one can begin: about 2x faster)."""
    return tuple(matches_from(_COIN_VERB, _COIN_START, text, lowered=True) if text.isascii() else _COIN_VERB.finditer(text))


def has_coin_verb(text: str) -> bool:
    """`_COIN_VERB.search(text)`, tried (on ASCII text) only where a match can begin, as `coin_verbs`."""
    found = matches_from(_COIN_VERB, _COIN_START, text, lowered=True) if text.isascii() else _COIN_VERB.finditer(text)
    return next(found, None) is not None


def _coined_token(token: str) -> bool:
    """A token that looks made up ("LoRA", "Qwen2") or is an acronym ("MLP"): what a coining verb introduces."""
    return looks_coined(token) or _is_acronym(token)


def _mentioned(token: str, text: str) -> bool:
    """A token the abstract used before the verb is not what the verb introduces: "... INT4
    weight and activation (W4A4) ... we develop a W4A4 inference pipeline"."""
    return next(word_hits(text, token), -1) >= 0


def _after_verbs(whole: str, offset: int) -> list[Candidate]:
    """The name a coining verb introduces: a coined-looking token in its object (all of them in a
    list after a colon), a run of capitalised words, or, after "we call" / "dubbed", any phrase."""
    text = whole[offset:]
    names = []
    for verb in coin_verbs(text):
        after = text[verb.end() : verb.end() + 160]
        obj = _SENTENCE_CUT.split(after)[0]
        head, colon, listed = obj.partition(": ")
        first = head.split(",")[0].split(" that ")[0]
        listing = colon and _OBJECT_END.search(head) and not any(_coined_token(t) for t in _TOKEN.findall(first))
        scope = listed if listing else first
        tokens = _TOKEN.findall(scope)[: 12 if listing else 6]
        earlier = text[: verb.start()]
        coined = [t for t in tokens if _coined_token(t) and not _mentioned(t, earlier)]
        appositive = _APPOSITIVE.match(obj) if not coined and not listing else None
        if appositive and _coined_token(appositive.group(1)) and not _mentioned(appositive.group(1), earlier):
            coined = [appositive.group(1)]  # "we construct a large-scale dataset, MedSDF, ..."
        known = _KNOWN_INTRODUCED.match(after)
        if not coined and known and key(known.group(1)) in KNOWN_NAMES and not _mentioned(known.group(1), earlier):
            coined = [known.group(1)]
        lead = _CAPITALISED_PHRASE.match(after) if coined and not listing else None
        if lead and _opens_with_words_before(lead.group(1), coined[0]):
            # "we present Marco DeepResearch", "Mixed-Domain MeanFlow Pretraining": the words before the token are the name's
            names += _lead_names(after, lead, coined[0], offset + verb.end())
            continue
        for t in coined if listing else coined[:1]:
            start = offset + verb.end() + after.find(t)
            names.append(Candidate("name", t, start, start + len(t)))
        if coined:
            continue
        phrase = _CAPITALISED_PHRASE.match(after) or _HYPHENATED_NAME.match(after) or _QUOTED_NAME.match(after)
        if phrase and not all(key(w) in KNOWN_NAMES for w in phrase.group(1).split()[1:] or phrase.group(1).split()):
            start = offset + verb.end() + phrase.start(1)
            names.append(Candidate("name", phrase.group(1), start, start + len(phrase.group(1))))
    for naming in _namings(text):
        at, phrase = _phrase(text[naming.end() : naming.end() + 80])
        phrase = _TRAILING_HEAD.sub("", phrase)
        if phrase and key(phrase) not in KNOWN_NAMES:
            start = offset + naming.end() + at
            names.append(Candidate("name", phrase, start, start + len(phrase)))
    return names


def _lead_names(after: str, lead: re.Match[str], token: str, at: int) -> list[Candidate]:
    """The capitalised phrase a coined token ends or sits in, less an opening article; "Adversarial Empathy
    Benchmark AEB" is two names, the long form and the acronym it spells."""
    start, end = lead.span(1)
    first = after[start:end].split()[0]
    if first in _ARTICLES:
        start = after.index(after[start:end].split()[1], start + len(first))
    phrase = after[start:end]
    words = phrase.split()
    if words[-1] == token and initials_match(" ".join(words[:-1]), token):
        long_form = phrase[: phrase.rfind(token)].rstrip()
        return [Candidate("name", long_form, at + start, at + start + len(long_form)),
                Candidate("name", token, at + end - len(token), at + end)]
    return [Candidate("name", phrase, at + start, at + end)]


def _opens_with_words_before(phrase: str, token: str) -> bool:
    """The capitalised phrase holds the coined token as a later word: the words before it are part of the name."""
    words = phrase.split()
    if words[0] in _ARTICLES:
        words = words[1:]
    return token in words[1:] and token != words[0]


def _namings(text: str) -> Iterator[re.Match[str]]:
    """`_NAMING.finditer(text)`: not run where it cannot match (`_NAMING_HINT`), and on ASCII text tried
    only where a match can begin (`cues.matches_from`)."""
    if not may_match(text, _NAMING_HINT):
        return iter(())
    return matches_from(_NAMING, _NAMING_START, text, lowered=True) if text.isascii() else _NAMING.finditer(text)


def _shortest_spelling(phrase: str, name: str) -> str:
    """The phrase up to the first preposition after which it still spells the name:
    "Encoding-Enhanced Sequence-to-Sequence Pretraining for Language Understanding" -> E2S2's part."""
    cuts = [m.start() for m in _PREPOSITION_CUT.finditer(phrase)]
    capitals = sum(map(str.isupper, name))
    for cut in cuts + [len(phrase)]:
        part = phrase[:cut]
        initials = sum(len(w) if w.isupper() else w[:1].isupper() for w in _WORD_SPLIT.split(part))
        if initials >= capitals and initials_match(part, name):
            return part
    return ""


def _expansions(whole: str, names: list[Candidate]) -> list[Candidate]:
    """What a found name brings along: its spelled-out form ("DONUT, a Decoder-Only Network for
    Unrolling Trajectories"; "ALLaM: Arabic Large Language Model"; "DrBERT (Decoder-refined BERT)")
    and its hyphenated variants (mmMamba -> mmMamba-linear, Falcon -> Falcon-180B,
    Mistral-SPLADE -> Echo-Mistral-SPLADE)."""
    found = []
    for name in dict.fromkeys(n.text for n in names if " " not in n.text and len(n.text) >= 3):
        letters = [c for c in name if c.isalpha()]
        spelled = sum(map(str.isupper, letters)) > len(letters) / 2  # an acronym (ALLaM), not a word (FreqKV)
        for _, m in followed_by(whole, name, _EXPANSION_AFTER) if spelled else ():
            full = _shortest_spelling(m.group(1).strip(), name)
            words = full.split()
            if full and len(words) <= 8 and all(w[:1].isupper() for w in words if w.lower() not in _MINOR):
                found.append(Candidate("name", full, m.start(1), m.start(1) + len(full)))
        for start, end in variants(whole, name):
            if not _MODIFIER.search(whole[start:end]):
                found.append(Candidate("name", whole[start:end], start, end))
    return found


def variants(whole: str, name: str) -> list[tuple[int, int]]:
    """Where `name` stands hyphenated to more ("mmMamba-linear", "Echo-Mistral-SPLADE"), as `re.finditer`
    over `(?<![\\w-])(NAME-[A-Za-z0-9](?:[\\w.]*\\w)?|[A-Z]\\w*-NAME)(?![\\w-])` gives them."""
    hits = []
    n = len(name)
    at = whole.find(name)
    while at >= 0 and name:
        after = _VARIANT_AFTER.match(whole, at + n)
        if after and _left_free(whole, at):
            hits.append((at, after.end()))
        end = at + n
        if at >= 2 and whole[at - 1] == "-" and (end == len(whole) or not (_word_char(whole[end]) or whole[end] == "-")):
            first = at - 1  # "[A-Z]\\w*-": the word before the hyphen, whole, starting with a capital
            while first > 0 and _word_char(whole[first - 1]):
                first -= 1
            if first < at - 1 and "A" <= whole[first] <= "Z" and _left_free(whole, first):
                hits.append((first, end))
        at = whole.find(name, at + 1)
    out: list[tuple[int, int]] = []
    for start, end in sorted(hits, key=lambda h: (h[0], -int(whole.startswith(name, h[0])))):
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def find_names(title: str, text: str, sentences: list[Span] | None = None) -> list[Candidate]:
    """Names the paper may coin, each once, in reading order (`sentences`: the title's span and the
    abstract's sentences in `title + "\n" + text`, when the caller has them already)."""
    offset = len(title) + 1
    whole = title + "\n" + text
    if sentences is None:
        sentences = [Span(0, len(title))] + [Span(offset + s.start, offset + s.end) for s in split_spans(text)]
    names = _title_names(title, text) + _definitions(title, whole, sentences) + _after_verbs(whole, offset)
    names += _expansions(whole, names)
    names = [n for n in _outside_urls(title, text, names) if not _concept(whole, n)]
    return _unique(names + _title_head_spelling(title, names))


def _concept(whole: str, name: Candidate) -> bool:
    """A coined word for an idea, not a model, method or data set: "the Road-Manifold Assumption", "a phenomenon
    we term Text Bias", "a pattern we term phantom specialization"."""
    return bool(_CONCEPT_END.search(name.text) or _CONCEPT_BEFORE.search(whole, max(0, name.start - 60), name.start))


def _outside_urls(title: str, text: str, names: list[Candidate]) -> list[Candidate]:
    """The candidates less those found inside a URL: a word there is a path ("github.com/x/ResMerge-release",
    "huggingface.co/nvidia/NV-Embed-v1", ".../HalDec-Bench-Page/"), not a name the paper writes."""
    offset = len(title) + 1  # in `title + "\n" + text`; a URL holds no line break
    spans = [(u.start, u.end) for u in find_urls(title)] + [(offset + u.start, offset + u.end) for u in find_urls(text)]
    return [n for n in names if not any(start <= n.start < end for start, end in spans)] if spans else names


def _title_head_spelling(title: str, names: list[Candidate]) -> list[Candidate]:
    """"Multimodal Mamba: ..." spells mmMamba, which the abstract coins: the head is its long form."""
    head, sep, _ = title.partition(":")
    head = head.strip()
    spells = any(" " not in n.text and n.text not in head and initials_match(head, n.text) for n in names)
    return [Candidate("name", head, 0, len(head))] if sep and "(" not in head and len(head.split()) <= 4 and spells else []


def _unique(names: list[Candidate]) -> list[Candidate]:
    """Each name once, in reading order; a name inside a longer one found at the same place gives
    way to it ("Decoder Pre-training" to "Decoder Pre-training with only text for STR")."""
    seen: set[str] = set()
    out = []
    for n in sorted(names, key=lambda n: (n.start, -n.end)):
        k = key(n.text)
        inside = any(o.start <= n.start and n.end <= o.end and o.end - o.start > n.end - n.start for o in names)
        if not inside and k and k not in seen:
            seen.add(k)
            out.append(n)
    return out
