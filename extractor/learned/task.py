"""A learned ranker over task phrases: the title rules propose, more phrases join, a linear model orders them.

`extractor.labels.task_candidates` reads the title alone and puts its best guess first. Here more
phrases are gathered (every run of the title's pieces between for/via/with/:, and the objects of
"we address X", "the task of X", "X is a challenging problem", "a method for X" in the abstract's
first sentences), each described by where it came from, how long it is, how its words recur in
the abstract and whether it carries a coined name; a logistic model trained on the expert answers
scores each, and the candidates are returned best first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.cues import compile_cue
from extractor.labels import _TASK_SPLIT, _as_task, task_candidates
from extractor.learned.linear import Features, LinearModel, load_model
from extractor.evaluate import token_f1
from extractor.names import _PAREN, KNOWN_NAMES, _spelled_out, key, looks_coined

ARTEFACT = "task"
MAX_WORDS = 8
_STOP = frozenset("a an the of for in on with via to and or by from using through towards toward as at its their our this that "
                  "these those is are be we it into based".split())
# Words that say nothing about which task: a phrase made of them is rarely the answer.
_GENERIC = frozenset("model models method methods approach approaches framework frameworks paper work study system systems "
                     "results performance technique techniques strategy strategies novel new efficient effective simple "
                     "analysis towards role impact case lessons insights improved improving better report technical overview perspective "
                     "perspectives".split())
_TASK_HEAD = re.compile(r"(?:tion|sion|ment|ing|ance|ence|ysis|ity|ness|modeling|learning|qa|search|retrieval|reasoning|"
                        r"generation|detection|recognition|translation|inference|tuning|training|understanding)$")
# Where a phrase taken from the abstract ends: punctuation, a relative clause, the means, a verb.
_PHRASE_END = re.compile(r"[,.;:()\[\]]|\s(?:that|which|where|while|whereas|by|using|via|through|with|without|because|since|"
                         r"is|are|was|were|has|have|remains?|can|could|may|might|should|would|will|we|to|as|when|"
                         r"due|across|under|given|based|leveraging|such)\b", re.I)
_PATTERNS: dict[str, re.Pattern[str]] = {
    "abs_we": re.compile(r"\b(?:we|this (?:paper|work|study|article))\s+(?:(?:also|further|first|then)\s+)?"
                         r"(?:address|tackle|study|investigate|consider|focus on|explore|examine|revisit|target|solve|formulate|"
                         r"approach|present a study of|propose to solve)\s+", re.I),
    "abs_problem": re.compile(r"\b(?:task|problem|challenge|issue|field|area|domain)s?\s+of\s+", re.I),
    "abs_for": re.compile(r"\b(?:method|approach|framework|model|system|technique|pipeline|architecture|benchmark|dataset|"
                          r"strategy|algorithm|paradigm|solution|tool|recipe|agent)s?\s+(?:for|to improve|to enhance|to)\s+", re.I),
    "abs_improve": re.compile(r"\b(?:improv\w*|enhanc\w*|accelerat\w*|advanc\w*|boost\w*|enabl\w*)\s+(?:the\s+)?", re.I),
}
# The same patterns lowercased, for lowercased ASCII text (`cues.compile_cue`: the same matches, about 2x faster).
_LOWERED = {name: compile_cue(pattern.pattern) for name, pattern in _PATTERNS.items()}
# "X is a challenging task", "X has attracted attention": the subject of an opening sentence.
_SUBJECT = re.compile(r"^\s*(?:(?:recent|recently|in recent years|nowadays|currently|however|yet),?\s+)?([A-Za-z][\w\- ]{2,80}?)\s+"
                      r"(?:(?:is|are|has|have|remains?|plays?|aims?|refers?|involves?|seeks?)\s+"
                      r"(?:a|an|the|been|become|emerged|gained|attracted|shown|achieved|seen|made|long|increasingly|widely|critical|crucial|"
                      r"essential|important|fundamental|challenging|key|central|still|often|typically)\b"
                      r"|(?:requires?|enables?|offers?|suffers?|faces?|relies?|struggles?|poses?|presents?|demonstrates?|"
                      r"shows?|continues?|became|holds?|promises?|provides?|benefits?|allows?)\b)")
# Words a phrase from the abstract must not start with: it would be a fragment, not a noun phrase.
_BAD_START = frozenset("in of on for to with by from and or as at into via than that which it they we this these "
                       "how what when why whether our their its while although though whereas".split())


# Patterns the hot loops use, compiled here rather than looked up in `re`'s cache at every call.
_DETERMINERS = re.compile(r"^(?:(?:the|a|an|this|these|such|their|its|our|current|existing)\s+)+", re.I)
_LETTER = re.compile(r"[a-z]")
_ALNUM = re.compile(r"[a-z0-9]+")
_ASIDE = re.compile(r"\s*\([^()]{0,60}\)")
_COINABLE = re.compile(r"[A-Za-z][\w\-+.]*[\w+]|[A-Za-z]")
_CONTENT = re.compile(r"[a-z0-9][\w\-]*")

# "<action noun(s)> of <object>": the task name puts the object first.
_ACTION_OF = re.compile(r"^(?:[\w\-]+\s+)?((?:[\w\-]+(?:tion|sion|ment|ysis|ance|ing|ness))(?:\s+and\s+[\w\-]+(?:tion|sion|ment|ysis|ance|ing))?)"
                        r"\s+of\s+(?:the\s+)?(.+)$")


@dataclass
class TaskCandidate:
    """One distinct phrase (by its words) with the places that proposed it."""

    text: str
    sources: set[str] = field(default_factory=set)
    rule_rank: int = 99  # its place among the title rules' candidates
    position: float = 1.0  # where in the abstract it was first proposed (0 = start; 1 = title only)


def _cut(fragment: str) -> str:
    """The noun phrase a pattern points at: up to the first clause break, at most MAX_WORDS words."""
    phrase = _PHRASE_END.split(fragment, maxsplit=1)[0]
    phrase = _DETERMINERS.sub("", phrase.strip())
    words = phrase.split()
    while words and words[-1].lower() in _STOP:
        words.pop()
    if not words or words[0].lower() in _BAD_START or len(words) > MAX_WORDS:
        return ""
    return " ".join(words)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _sentences(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """Each sentence with its offset; with `limit`, the first `limit` (the scan stops there)."""
    out, start = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
        if len(out) == limit:
            return out
    out.append((start, text[start:]))
    return out


def gather(title: str, text: str) -> list[TaskCandidate]:
    """Every phrase that might name the task, from the title rules, the title's pieces and the abstract."""
    found: dict[str, TaskCandidate] = {}

    def add(phrase: str, source: str, rank: int = 99, position: float = 1.0) -> None:
        phrase = _as_task(phrase)
        words = phrase.split()
        if not 1 <= len(words) <= MAX_WORDS or not _LETTER.search(phrase) or all(w in _STOP for w in words):
            return
        k = " ".join(_ALNUM.findall(phrase))
        c = found.setdefault(k, TaskCandidate(phrase))
        c.sources.add(source)
        c.rule_rank = min(c.rule_rank, rank)
        c.position = min(c.position, position)

    for rank, phrase in enumerate(task_candidates(title)):
        add(phrase, "rule", rank)
    for c in list(found.values()):  # "detection and generation of l1 errors" -> "l1 errors detection and generation"
        m = _ACTION_OF.match(c.text)
        if m and len(m.group(2).split()) <= 5:
            add(f"{m.group(2)} {m.group(1)}", "t_action_of")
    head, sep, rest = re.sub(r"\s--?\s", ": ", title, count=1).partition(":")
    for piece, source in ((head, "t_head"), (rest, "t_sub")) if sep else ((title, "t_all"),):
        parts = [p for p in _TASK_SPLIT.split(piece) if p and p.strip()]
        seps = _TASK_SPLIT.findall(piece)
        for i in range(len(parts)):
            joined = parts[i]
            add(joined, f"{source}_part")
            for j in range(i + 1, min(len(parts), i + 3)):
                if j - 1 < len(seps) and re.search(r"[:,?]", seps[j - 1]):
                    break
                joined += seps[j - 1] + parts[j] if j - 1 < len(seps) else " " + parts[j]
                add(joined, f"{source}_run")
    sentences = _sentences(text, limit=4)
    n = max(len(text), 1)
    for i, (start, sentence) in enumerate(sentences):
        pos = start / n
        for m in _PAREN.finditer(sentence):  # "Generative recommendation (GR) has become ...": a defined term
            full = _spelled_out(sentence[: m.start()], m.group(1))
            if full and not any(looks_coined(w) for w in full.split()):
                add(full, "abs_acronym", position=pos)
        sentence = _ASIDE.sub("", sentence)
        lowered = sentence.lower() if sentence.isascii() else None
        for name, pattern in _PATTERNS.items():
            for m in _LOWERED[name].finditer(lowered) if lowered is not None else pattern.finditer(sentence):
                add(_cut(sentence[m.end() :]), name, position=pos)
        if i < 2:
            m = _SUBJECT.match(sentence)
            if m:
                add(_cut(m.group(1)), "abs_subject", position=pos)
    return list(found.values())


def _coined_words(title: str, text: str) -> set[str]:
    words = set(_COINABLE.findall(title + " " + text))  # each distinct word asked once
    return {w.lower() for w in words if looks_coined(w)}


def features(c: TaskCandidate, title: str, text: str, counts: Counter, coined: set[str],
             others: list[TaskCandidate] = (), agreement: Sequence[float] | None = None) -> Features:
    """Where the phrase came from and how it is written; no word of any one paper."""
    words = c.text.split()
    content = [w for w in _CONTENT.findall(c.text) if w not in _STOP]
    f: dict[str, float] = {f"src_{s}": 1.0 for s in c.sources}
    f["nsrc"] = math.log1p(len(c.sources))
    f[f"rank_{min(c.rule_rank, 4)}"] = 1.0
    f[f"words_{min(len(words), 7)}"] = 1.0
    f["from_abstract"] = float(any(s.startswith("abs") for s in c.sources))
    f["from_title"] = float(any(s == "rule" or s.startswith("t_") for s in c.sources))
    f["position"] = c.position
    low_title, low_text = _lowered(title), _lowered(text)
    f["in_title_frac"] = sum(w in low_title for w in content) / max(len(content), 1)
    recur = [counts.get(w, 0) for w in content]
    f["recur_mean"] = math.log1p(sum(recur) / max(len(recur), 1))
    f["recur_min0"] = float(bool(recur) and min(recur) == 0)
    f["recur_min2"] = float(bool(recur) and min(recur) >= 2)
    f["phrase_in_abstract"] = float(c.text in low_text)
    pairs = list(zip(words, words[1:]))
    f["bigrams_in_abstract"] = sum(f"{a} {b}" in low_text for a, b in pairs) / len(pairs) if pairs else 0.0
    f["generic_frac"] = sum(w in _GENERIC for w in words) / len(words)
    f["all_generic"] = float(all(w in _GENERIC or w in _STOP for w in words))
    f["coined"] = float(any(w in coined for w in words))
    f["known_name"] = float(any(key(w) in KNOWN_NAMES for w in words))
    f["only_llm"] = float(all(key(w) in KNOWN_NAMES or w in _STOP for w in words))
    f["task_head"] = float(bool(_TASK_HEAD.search(words[-1])))
    f["plural_end"] = float(words[-1].endswith("s") and not words[-1].endswith("ss"))
    f["gerund_start"] = float(words[0].endswith("ing") and len(words) > 1)
    f["has_stop_inside"] = float(any(w in _STOP for w in words[1:-1]))
    f["ends_stop"] = float(words[-1] in _STOP)
    f["question_word"] = float(words[0] in {"how", "why", "what", "when", "which", "who", "can", "do", "does", "is", "are"})
    f["hyphen"] = float("-" in c.text)
    f["digit"] = float(any(map(str.isdigit, c.text)))
    for s in c.sources:
        f[f"{s}&words_{min(len(words), 4)}"] = 1.0
    # Agreement: a title phrase the abstract's patterns echo, or an abstract phrase the title echoes.
    f["agree_rule0"], f["agree_title"], f["agree_abstract"] = agreement if agreement is not None else _agreement(c, others)
    f["agree_other_side"] = f["agree_abstract"] if _titled(c) else f["agree_title"]
    return f


def _agreement(c: TaskCandidate, others: Sequence[TaskCandidate]) -> list[float]:
    """The best token F1 of the phrase with another that is the rules' first guess, one from the title,
    one from the abstract (0.0 if none). A pair with nothing in common raises no maximum, so its
    candidate's sources are not read."""
    best = [0.0, 0.0, 0.0]
    for o in others:
        a = _pair_f1(c.text, o.text) if o is not c else 0.0
        if a > 0.0:
            for k, holds in enumerate((o.rule_rank == 0, _titled(o), any(s.startswith("abs") for s in o.sources))):
                if holds and a > best[k]:
                    best[k] = a
    return best


def _agreements(found: Sequence[TaskCandidate]) -> list[list[float]]:
    """`_agreement` of every candidate with the others, each pair's token F1 asked once for both
    and each candidate's sources read once (the maxima are the same whatever the order)."""
    sides = [(o.rule_rank == 0, _titled(o), any(s.startswith("abs") for s in o.sources)) for o in found]
    best = [[0.0, 0.0, 0.0] for _ in found]
    for i, c in enumerate(found):
        for j in range(i + 1, len(found)):
            a = _pair_f1(c.text, found[j].text)
            if a > 0.0:
                for k in range(3):
                    if sides[j][k] and a > best[i][k]:
                        best[i][k] = a
                    if sides[i][k] and a > best[j][k]:
                        best[j][k] = a
    return best


def _pair_f1(a: str, b: str) -> float:
    """`token_f1`, which is symmetric, asked once per pair of phrases (`_pair_f1_ordered` caches)."""
    return _pair_f1_ordered(a, b) if a <= b else _pair_f1_ordered(b, a)


@lru_cache(maxsize=4096)
def _pair_f1_ordered(a: str, b: str) -> float:
    return token_f1(a, b)


def _titled(c: TaskCandidate) -> bool:
    return c.rule_rank < 99 or any(s.startswith("t_") for s in c.sources)


@lru_cache(maxsize=2)
def _lowered(text: str) -> str:
    """Cached: every candidate of a paper reads its lowercased title and abstract."""
    return text.lower()


def _counts(text: str) -> Counter:
    return Counter(w for w in _CONTENT.findall(text.lower()) if w not in _STOP)


def ranked(title: str, text: str, model: LinearModel) -> list[tuple[TaskCandidate, float]]:
    """Every candidate with its probability of naming the task, best first (ties: the rules' order)."""
    found = gather(title, text)
    counts, coined = _counts(text), _coined_words(title, text)
    probabilities = model.probabilities_many([features(c, title, text, counts, coined, found, agreement)
                                              for c, agreement in zip(found, _agreements(found))])
    scored = [(c, p.get("1", 0.0)) for c, p in zip(found, probabilities)]
    return sorted(scored, key=lambda cp: (-cp[1], cp[0].rule_rank))


@lru_cache(maxsize=1)
def _artefact() -> LinearModel:
    return load_model(ARTEFACT)


def predict_tasks(title: str, text: str) -> list[str]:
    """Task phrases best first: the model's pick leads when it beats the rules' first guess by the
    margin chosen on dev; the rules' own candidates follow in their order."""
    model = _artefact()
    rules = task_candidates(title)
    scored = ranked(title, text, model)
    if not scored:
        return rules
    best, p = scored[0]
    rule_p = next((q for c, q in scored if c.rule_rank == 0), 0.0)
    if p - rule_p < float(model.meta.get("margin", 0.0)):
        return rules
    return [best.text] + [r for r in rules if r != best.text]


# --- training --------------------------------------------------------------------------------


def _gold_f1(phrase: str, gold: dict) -> float:
    return max(token_f1(phrase, g) for g in [gold["task"]] + list(gold.get("task_alternatives") or []))


def _rows(examples) -> list[list[tuple[Features, float, TaskCandidate]]]:
    from extractor.normalize import normalize

    out = []
    for ex in examples:
        title, text = normalize(ex.paper.title).text, normalize(ex.paper.abstract).text
        counts, coined = _counts(text), _coined_words(title, text)
        found = gather(title, text)
        out.append([(features(c, title, text, counts, coined, found), _gold_f1(c.text, ex.gold), c) for c in found])
    return out


def _accuracy(model: LinearModel, papers, margin: float) -> float:
    """task_acc@0.5 when the model's pick replaces the rules' first guess by at least `margin`."""
    hits = 0
    for cands in papers:
        if not cands:
            continue
        scored = sorted(((model.probabilities(f).get("1", 0.0), c.rule_rank, g) for f, g, c in cands), key=lambda t: (-t[0], t[1]))
        rule = next(((p, g) for p, r, g in scored if r == 0), (0.0, 0.0))
        p, _, g = scored[0]
        hits += (g if p - rule[0] >= margin else rule[1]) >= 0.5
    return hits / max(len(papers), 1)


def train(corpus, path=None, cs: tuple[float, ...] = (0.3, 1.0)) -> dict[str, float]:
    """Fit on `train` for each regularisation strength, pick it and the margin on dev with dev_gold
    not below the rules, save; dev figures back."""
    from extractor.learned.train import fit_linear

    built = {name: _rows(corpus.split(name)) for name in ("train", "dev", "dev_gold")}
    rows = [f for cands in built["train"] for f, _, _ in cands]
    labels = ["1" if g >= 0.5 else "0" for cands in built["train"] for _, g, _ in cands]
    models = {c: fit_linear(rows, labels, c=c) for c in cs}
    rules = {n: _accuracy(models[cs[0]], built[n], 2.0) for n in ("dev", "dev_gold")}  # margin 2: the rules' first guess
    grid = [(c, m) for c in cs for m in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 2.0)]
    figures = {t: {n: _accuracy(models[t[0]], built[n], t[1]) for n in ("dev", "dev_gold")} for t in grid}
    kept = [t for t in grid if figures[t]["dev_gold"] >= rules["dev_gold"] - 1e-9] or [(cs[0], 2.0)]
    c, margin = max(kept, key=lambda t: (figures[t]["dev"], figures[t]["dev_gold"], -t[1], -t[0]))
    meta = {"margin": margin, "c": c, "dev_acc": round(figures[c, margin]["dev"], 4),
            "dev_gold_acc": round(figures[c, margin]["dev_gold"], 4)}
    model = LinearModel(models[c].classes, models[c].weights, models[c].bias, meta)
    if path is not False:
        from extractor.learned.linear import DATA

        model.save(path or DATA / f"{ARTEFACT}.json")
        _artefact.cache_clear()
    return {"c": c, "margin": margin, "train_acc": _accuracy(model, built["train"], margin), "dev_acc": figures[c, margin]["dev"],
            "dev_gold_acc": figures[c, margin]["dev_gold"], "rules_dev_acc": rules["dev"], "rules_dev_gold_acc": rules["dev_gold"]}
