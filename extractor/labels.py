"""Rules that label what `candidates` found and guess the paper-level fields from keywords.

These are the rules-alone answers (`extract --no-model`) and the defaults the model may
override. Pure functions over clean text: no model, no I/O. The claim labels live in
`claim_labels` (re-exported here); this module holds the paper-level fields.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.claim_labels import ClaimLabel, label_claims
from extractor.cues import Pruned, SharedScan, may_match


# --- paper-level fields ---------------------------------------------------------------------

# Cue patterns run on lowercased text (`cues.py`: the same matches as case-insensitive ones, faster),
# each with only the alternatives whose leading text the paper holds (`cues.Pruned`, `_cue_counts`).
_DOMAIN_CUES: dict[str, Pruned] = {
    "code": Pruned(r"\bcode\b|program(?:s|ming)?\b|software|source code|\bSQL\b|repositor"),
    "speech": Pruned(r"speech|audio|\bASR\b|spoken|acoustic|voice|\bTTS\b|speaker"),
    "vision": Pruned(r"\bimages?\b|vision|visual|video|pixel|object detection|segmentation|ImageNet|\b3D\b|mesh|scene text|"
                   r"\bOCR\b|imaging|radiograph|x-?rays?\b|\bCT\b|\bMRI\b|ultrasound"),
    "multimodal": Pruned(r"multi-?modal|vision-language|image-text|text-to-image|\bVLMs?\b|\bMLLMs?\b|video-language|captioning"),
    "time-series": Pruned(r"time[- ]series|forecasting"),
    # Medicine is science as data (DNA, proteins, brain recordings); medical text is language, scans are vision.
    "science": Pruned(r"\bDNA\b|protein|molecul|genom|chemi|biolog|\bbrain\b|\bEEG\b|fMRI"),
    "robotics": Pruned(r"robot|trajector|autonomous driving|self-driving|embodied|manipulation"),
}


@lru_cache(maxsize=8)
def _domain_scores(title: str, text: str) -> dict[str, int]:
    """Cue counts per modality, the title counting three times; cached, as the rules and the learned
    fields each ask for the same paper's (callers must not change the dict)."""
    return {d: 3 * in_title + in_text for d, (in_title, in_text) in _cue_counts(title, text)[0].items()}


def guess_domain(title: str, text: str) -> str:
    """The modality with the most cues, the title counting three times; language by default."""
    scores = _domain_scores(title, text)
    if scores["multimodal"] and (scores["multimodal"] >= 2 or scores["vision"]):
        return "multimodal"
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best] >= 3 else "language"


_ARCH_CUES: dict[str, Pruned] = {
    "decoder-only": Pruned(r"decoder-only|decoder only|\bGPT|causal (?:language )?model|autoregressive|LLaMA|\bLlama|Mistral|Qwen"),
    "encoder-only": Pruned(r"encoder-only|encoder only|\bBERT|RoBERTa|bidirectional encoder|masked language model"),
    "encoder-decoder": Pruned(r"encoder-decoder|encoder decoder|\bT5\b|\bBART\b|seq2seq|sequence-to-sequence"),
    "state-space": Pruned(r"mamba|state[- ]space|\bSSMs?\b|RWKV|linear recurren"),
}
_COMPARE = re.compile(r"\bcompar\w*|\bvs\.?(?=\s)|versus|\bboth\b|different (?:model )?architectures|\bsurvey|\bor\b", re.I)
_LLM = re.compile(r"\bLLMs?\b|large language models?|language models?|transformer", re.I)
_LLM_HINT = re.compile(r"llm|language model|transformer")  # in every match of _LLM, lowercased (`cues.may_match`)


@lru_cache(maxsize=8)
def arch_counts(title: str, text: str) -> tuple[dict[str, int], dict[str, int]]:
    """Each family's cue count in the title and in the text; cached, as the rules and the learned
    fields each ask for the same paper's (callers must not change the dicts)."""
    counts = _cue_counts(title, text)[1]
    return {a: n for a, (n, _) in counts.items()}, {a: n for a, (_, n) in counts.items()}


@lru_cache(maxsize=2)
def _cue_counts(title: str, text: str) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Each domain and architecture cue's count (`len(findall)`) in the lowercased title and text,
    after one scan for every leading text the cues' alternatives need (`LOWERED_SCAN`)."""
    title, text = title.lower(), text.lower()
    present = LOWERED_SCAN.present(f"{title}\0{text}")  # no leading text holds a NUL: none spans the two

    def counts(cue: Pruned) -> tuple[int, int]:
        kept = cue.kept(present)
        return (cue.count(title, kept), cue.count(text, kept)) if kept else (0, 0)

    return {d: counts(cue) for d, cue in _DOMAIN_CUES.items()}, {a: counts(cue) for a, cue in _ARCH_CUES.items()}


# One scan of a paper's lowercased title and text for the leading texts of every cue table that reads them:
# these, and the learned fields' table of model families (`learned/fields.py`).
LOWERED_SCAN = SharedScan()
LOWERED_SCAN.include(start for cue in (*_DOMAIN_CUES.values(), *_ARCH_CUES.values()) for start in cue.starts if start)


def guess_architecture(title: str, text: str) -> str:
    """The family the title names; `multiple` when the paper weighs several against each other;
    else the family the abstract names most; decoder-only for unnamed LLMs; else unspecified."""
    in_title, in_text = arch_counts(title, text)
    if in_title["state-space"] + in_text["state-space"] and re.search(r"\bhybrid\b", title + " " + text, re.I):  # (the count first: cheaper)
        return "hybrid"
    named_in_title = [a for a, n in in_title.items() if n]
    if len(named_in_title) >= 2 and _COMPARE.search(title):
        return "multiple"
    if named_in_title:
        return max(named_in_title, key=lambda a: (in_title[a], in_text[a]))
    named = sorted((a for a, n in in_text.items() if n), key=lambda a: -in_text[a])
    # One family named far more often wins, unless the abstract names two families by their kind
    # ("decoder-only and encoder-decoder models") or the title compares: that weighs architectures.
    far_ahead = len(named) >= 2 and in_text[named[0]] >= max(3, 2 * in_text[named[1]])
    dominant = far_ahead and _kinds_named(text) < 2 and not _COMPARE.search(title)
    if len(named) >= 2 and _COMPARE.search(text) and not dominant:
        return "multiple"
    if named:
        return max(named, key=lambda a: in_text[a])
    return "decoder-only" if _names_llms(title + " " + text) else "unspecified"


def _names_llms(text: str) -> bool:
    """`_LLM.search`, skipped where none of the words it needs occurs."""
    return may_match(text, _LLM_HINT) and bool(_LLM.search(text))


def _kinds_named(text: str) -> int:
    """How many families the text names by their kind ("decoder-only", "encoder decoder")."""
    return sum(bool(re.search(a.replace("-", "[- ]"), text, re.I)) for a in _ARCH_CUES)


def open_fields(title: str, text: str) -> set[str]:
    """The fields the rules could only answer by default, with no cue in the text: the model decides these."""
    fields = set()
    if max(_domain_scores(title, text).values()) < 3:
        fields.add("domain")
    in_title, in_text = arch_counts(title, text)
    if not any(in_title.values()) and not any(in_text.values()):
        both = f"{title} {text}".lower()
        if not any(cue.kept(both) and cue.whole.search(both) for cue in _ARCH_CUES.values()):  # nor a cue across the two
            fields.add("architecture")
    return fields


_TASK_SPLIT = re.compile(r"\s+(?:for|towards?|via|with|using|through|by|based\s+on|in|on|of|from)\s+|:\s+|,\s+|\?\s*", re.I)
# Where the object of "for" ends: a subtitle, a question, or the means ("by", "using", "Based on").
_MEANS = re.compile(r"[:?]|\s(?:by|via|with|using|through|[Bb]ased\s+on)\s")
# Titles lead with a gerund the task drops ("Understanding X") or turns into a noun ("Generating X" -> "X generation").
_META_GERUNDS = re.compile(
    r"^(?:understanding|revisiting|rethinking|improving|exploring|unlocking|enhancing|boosting|empowering|advancing|towards?|on|"
    r"(?:efficient|effective|simple|scalable|robust)(?:\s+and\s+(?:efficient|effective|simple|scalable|robust))?)\s+", re.I)
_NOUN_ENDINGS = {"accelerat": "acceleration", "generat": "generation", "adapt": "adaptation", "optimiz": "optimization",
                 "evaluat": "evaluation", "compress": "compression", "distill": "distillation", "align": "alignment",
                 "quantiz": "quantization", "translat": "translation", "predict": "prediction", "classif": "classification",
                 "detect": "detection", "segment": "segmentation", "summariz": "summarization", "retriev": "retrieval",
                 "simplif": "simplification", "interpret": "interpretation", "explain": "explanation", "recogniz": "recognition",
                 "mitigat": "mitigation", "estimat": "estimation", "analyz": "analysis", "analys": "analysis", "forecast": "forecasting",
                 "edit": "editing", "model": "modeling", "reconstruct": "reconstruction", "localiz": "localization"}
_GERUND_NOUN = re.compile(r"^(" + "|".join(_NOUN_ENDINGS) + r")\w*ing\s+(.+)$", re.I)


# A (sub)title that only says what kind of paper it is ("A Comprehensive Study", "Survey,
# Measurements, and Insights"); the words after "A Study of" name the task.
_META_TITLE = re.compile(
    r"(?:(?:an?\s+)?(?:(?:comprehensive|empirical|systematic|large-scale|comparative|preliminary|in-depth)\s+)?"
    r"(?:study|survey|measurements?|insights?|benchmarks?|analysis|evaluation|investigation|exploration|overview|review|report|lessons)"
    r"(?:,\s*(?:and\s+)?|\s+and\s+)?)+",
    re.I,
)
_META_OF = re.compile(r"\b(?:study|survey|analysis|evaluation|investigation|exploration|overview|series|family|suite)\s+of\s+(?:the\s+)?(.+)$", re.I)
# A title that asks a sentence ("When are 1.58 bits enough?", "Skip a Layer or Loop it?"), not "A or B?".
_QUESTION = re.compile(r"^\s*(?:when|what|how|why|which|who|is|are|do|does|did|can|could|should|shall|will|would)\b|\b(?:it|we|you|they)\s*$", re.I)
# Titles that are sentences: the task is in what follows the verb ("... Explains the Effectiveness of X").
_TITLE_VERB = re.compile(r"\s(?:explains?|improves?|matters?|helps?|makes?|works?|needs?|learns?|unifies|beats?|outperforms?)\s+(?:the\s+)?(?:\w+\s+of\s+)?", re.I)


_SPACES = re.compile(r"\s+")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+")
_LLM_WORDS = re.compile(r"\blarge language model(s?)\b")


@lru_cache(maxsize=1024)
def _as_task(phrase: str) -> str:
    """A phrase as task names are written (cached: the title rules and the ranker ask for the same pieces)."""
    phrase = _SPACES.sub(" ", phrase.strip(" .?!-")).lower()
    while (stripped := _META_GERUNDS.sub("", phrase)) != phrase:
        phrase = stripped
    phrase = _ARTICLE.sub("", phrase)
    if "large language model" in phrase:  # (a substitution with a group reference costs ~2 us even where nothing matches)
        phrase = _LLM_WORDS.sub(r"llm\1", phrase)  # how task names are written
    m = _GERUND_NOUN.match(phrase)
    if m:
        phrase = f"{m.group(2)} {_NOUN_ENDINGS[m.group(1).lower()]}"
    return phrase


def task_candidates(title: str) -> list[str]:
    """Short lowercase noun phrases from the title that could name the task; best guess first.

    The best guess is the object of "for"/"in"/"on" (or of "A Study of") when it has two words or
    more ("... for Code Understanding and Generation"), else the title's main phrase without its
    coined name. A question title gives way to its answer, a sentence title to what follows its verb."""
    return list(_title_phrases(title))


@lru_cache(maxsize=2)
def _title_phrases(title: str) -> tuple[str, ...]:
    """`task_candidates`, cached: the rules and the learned ranker each ask for the same paper's."""
    head, sep, rest = re.sub(r"\s--?\s", ": ", title, count=1).partition(":")
    body = rest if sep and len(head.split()) <= 4 and not _META_TITLE.fullmatch(rest.strip(" .")) else title
    question, mark, answer = body.partition("?")
    if mark and answer.strip() and _QUESTION.search(question) and not _META_TITLE.fullmatch(answer.strip(" .")):
        body = answer  # "Skip a Layer or Loop it? Test-Time Depth Adaptation of Pretrained LLMs"
    verb = _TITLE_VERB.search(body)
    if verb and len(body[verb.end() :].split()) >= 2:
        body = body[verb.end() :]  # "Intrinsic Dimensionality Explains the Effectiveness of ..."
    parts = [_as_task(p) for p in _TASK_SPLIT.split(body) if p and p.strip()]
    m = re.search(r"(?<!based)\s(?:for|towards?|in|on)\s+(.+)$", body, re.I) or _META_OF.search(body)
    target = _as_task(_MEANS.split(m.group(1))[0]) if m else ""  # not the means, nor a subtitle
    ordered = ([target] if len(target.split()) >= 2 else []) + [p for p in parts if len(p.split()) >= 2] + parts + [_as_task(body)]
    out: list[str] = []
    for phrase in ordered:
        words = phrase.split()
        if 1 <= len(words) <= 8 and phrase not in out and phrase.replace("-", "") not in {"llms", "llm", "large language models"}:
            out.append(phrase)
    if not out:  # every phrase is long ("An Aerial Traffic Atomic Activity Recognition and ... Dataset"): its first words
        out = [" ".join(ordered[0].split()[:8])] if ordered else [title.lower()[:60]]
    return tuple(out)


__all__ = ["ClaimLabel", "arch_counts", "guess_architecture", "guess_domain", "label_claims", "open_fields", "task_candidates"]
