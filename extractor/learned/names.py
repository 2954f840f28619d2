"""A learned filter over name candidates: the rules over-generate, a linear model keeps the coined ones.

`extractor.names.find_names` says what the rules believe; here more candidates are gathered
("Full Name (ACR)" anywhere, every coined-looking token, the title's head and the words of the
subtitle that spell its acronym), each described by where it stands and how it is written, and a
logistic model trained on the expert answers decides. `KNOWN` (names many abstracts of the sample
use, `extractor/data/names.json`) tells an existing model or term from one the paper coins.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.candidates import Span, split_spans
from extractor.learned.linear import Features, LinearModel, load_model
from extractor.names import (
    _COIN_VERB,
    _HEADS,
    _MINOR,
    _NAMING,
    _OWN,
    _PAREN,
    _TOKEN,
    KNOWN_NAMES,
    _is_acronym,
    _shortest_spelling,
    _spelled_out,
    find_names,
    initials_match,
    key,
    looks_coined,
)

ARTEFACT = "names"
_LATEX = re.compile(r"\\(?:textbf|textit|emph|texttt|textsc|mathbf|mathrm)\{([^{}]*)\}")
# A token with a version number kept whole ("E3C-3.0", "I2EBench2.0", "Dimitra++").
_NAME_TOKEN = re.compile(r"(?<![\w\-.])([A-Za-z][\w\-+]*(?:\.\d+[\w\-+]*)*)(?![\w-])")
# A run of capitalised words, small words allowed inside: "Positional Weight Preservation", "Flood Mapping by Land Cover".
_TITLE_RUN = re.compile(r"(?<![\w-])((?:[A-Z0-9][\w\-+]*)(?:\s+(?:(?:of|for|and|with|via|in|to|on|by)\s+)?[A-Z0-9][\w\-+]*){1,6})(?![\w-])")
_EMPH = re.compile(r"\\(?:textbf|textit|emph)\{([^{}]{2,80})\}")
_HEAD_SPLIT = re.compile(r":\s|\s--?\s|\s\u2014\s")
_LAST_WORD = re.compile(r"(?:net|bench|former|gpt|llm|lm|data|set|corpus|qa|score|loss|module|block|framework|"
                        r"network|model|attention|learning|tuning|decoding|prompting|fusion|search|agent)$", re.I)


@dataclass
class NameCandidate:
    """One distinct name (by `key`) with the first spelling seen and what was seen of it."""

    text: str
    start: int
    sources: set[str] = field(default_factory=set)
    partner: str = ""  # the key of the other half of "Full Name (ACR)"


def _add(found: dict[str, NameCandidate], text: str, start: int, source: str, partner: str = "") -> str:
    text = _LATEX.sub(r"\1", text).strip(" \t\n,;:.'\"`()")
    k = key(text)
    if len(k) < 2 or len(text.split()) > 12:
        return ""
    if k not in found:
        found[k] = NameCandidate(text, start)
    found[k].sources.add(source)
    found[k].partner = found[k].partner or partner
    return k


def _words_spelling(phrase: str, acronym: str) -> str:
    """The shortest run of words in `phrase` whose capitals and initials spell `acronym`:
    "... via Miscoverage Risk Decomposition" spells MiRD."""
    words = phrase.split()
    caps = sum(c.isupper() for c in acronym)
    best = ""
    for i, first in enumerate(words):
        if first.lower() in _MINOR or not first[:1].lower() == acronym[:1].lower():
            continue
        for j in range(i + 1, min(len(words), i + len(acronym) + 5) + 1):
            run = " ".join(words[i:j]).strip(",.;:()")
            if words[j - 1].lower() in _MINOR:
                continue
            initials = sum(1 for w in re.split(r"[\s-]+", run) if w[:1].isupper() or w[:1].isdigit())
            if initials >= min(caps, 2) and initials_match(run, acronym):
                if not best or len(run) < len(best):
                    best = run
                break
    return best


def gather(title: str, text: str) -> list[NameCandidate]:
    """Every string that might be a coined name, with the sources that proposed it."""
    whole = title + "\n" + text
    offset = len(title) + 1
    found: dict[str, NameCandidate] = {}
    for n in find_names(title, text):
        _add(found, n.text, n.start, "rule")
    sentences = [Span(0, len(title))] + [Span(offset + s.start, offset + s.end) for s in split_spans(text)]
    for m in _PAREN.finditer(whole):
        acronym = m.group(1)
        if sum(c.isupper() for c in acronym) < 2 and not looks_coined(acronym):
            continue
        sentence = next((s for s in sentences if s.start <= m.start() < s.end), Span(0, len(title)))
        before = whole[sentence.start : m.start()]
        full = _spelled_out(before, acronym)
        if full:
            acr = _add(found, acronym, m.start(1), "paren_acr", key(full))
            _add(found, full, sentence.start + before.rfind(full), "paren_full", acr)
    tokens = []
    for m in _NAME_TOKEN.finditer(whole):
        token = m.group(1).rstrip(".-")
        if looks_coined(token) or _is_acronym(token):
            _add(found, token, m.start(1), "token")
            tokens.append(token)
    for m in _TITLE_RUN.finditer(text):
        run = re.sub(r"\s+(?:of|for|and|with|via|in|to|on|by)$", "", m.group(1))
        if len(run.split()) >= 2 and not re.match(r"(?:We|Our|The|This|These|In|To|A|An|It|However|Moreover)\s", run):
            _add(found, run, offset + m.start(1), "title_case")
    for m in _EMPH.finditer(text):
        _add(found, m.group(1), offset + m.start(1), "emph")
    for verb in _COIN_VERB.finditer(text):
        word = re.match(r"\s+(?:the\s+|a\s+|an\s+)?([A-Z][\w\-+.]*?)(?=[,(:]|\s(?:is|as|which|that|to)\b)", text[verb.end() : verb.end() + 60])
        if word:
            _add(found, word.group(1), offset + verb.end() + word.start(1), "verb_word")
    for token in set(tokens):
        for m in re.finditer(r"(?<![\w-])" + re.escape(token) + r"\s*(?:\(|,\s*(?:(?:a|an|the)\s+)?|:\s*)([^.;()\n]{3,120})", text):
            expansion = m.group(1)
            spelled = _shortest_spelling(re.sub(r"\s+(?:" + _HEADS + r"|model|system)\b.*$", "", expansion), token) or _words_spelling(expansion, token)
            if spelled:
                _add(found, spelled, offset + m.start(1), "expansion", key(token))
                found[key(token)].partner = found[key(token)].partner or key(spelled)
    head, sep, sub = (p.strip() for p in _split_title(title))
    if sep and 1 <= len(head.split()) <= 6:
        _add(found, head, 0, "title_head")
        defined = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", head)
        if defined:
            _add(found, defined.group(1), 0, "title_head")
            _add(found, defined.group(2), defined.start(2), "title_head")
    for name in [w for w in re.findall(r"[\w\-+]+", head) if looks_coined(w) or _is_acronym(w)] if sep else []:
        subtitle = re.sub(r"^(?:an?|the)\s+", "", sub, flags=re.I)
        for spelled in {_words_spelling(subtitle, name), _shortest_spelling(subtitle, name)} - {""}:
            _add(found, spelled, title.find(spelled), "title_spelled", key(name))
        for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?:,|:|\s\(|\s--?)\s*(?:(?:a|an|the)\s+)?([^.;()\n]{3,120})", text):
            spelled = _words_spelling(m.group(1), name)
            if spelled:
                _add(found, spelled, offset + m.start(1), "text_spelled")
    return sorted(found.values(), key=lambda c: c.start)


def _split_title(title: str) -> tuple[str, str, str]:
    m = _HEAD_SPLIT.search(title)
    return (title[: m.start()], m.group(0), title[m.end() :]) if m else (title, "", "")


def features(c: NameCandidate, title: str, text: str, known: Mapping[str, int], rule_keys: frozenset[str] = frozenset(),
             own: frozenset[str] = frozenset()) -> Features:
    """Where the candidate stands and how it is written; no word of any one paper."""
    whole = title + "\n" + text
    name = c.text
    k = key(name)
    words = name.split()
    f: dict[str, float] = {f"src_{s}": 1.0 for s in c.sources}
    f[f"nsrc_{min(len(c.sources), 3)}"] = 1.0
    pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", re.I)
    hits = list(pattern.finditer(text))
    in_title = bool(pattern.search(title))
    f["in_title"] = float(in_title)
    f["count"] = math.log1p(len(hits))
    f["count0"] = float(not hits)
    f["count3+"] = float(len(hits) >= 3)
    docs = known.get(k, 0) - (k in own)  # papers other than this one (`own`: its keys, if it is in the table)
    f["known_table"] = float(docs >= 1)
    f["known_docs"] = math.log1p(max(docs, 0))
    f["known_rules"] = float(k in KNOWN_NAMES or any(key(w) in KNOWN_NAMES for w in re.split(r"[\s\-]+", name)) and len(words) == 1)
    f["known_part"] = float(any(known.get(key(p), 0) - (key(p) in own) >= 1 or key(p) in KNOWN_NAMES for p in re.split(r"[\s\-]+", name) if p))
    f[f"words_{min(len(words), 5)}"] = 1.0
    f["camel"] = float(looks_coined(name) and len(words) == 1)
    f["acronym"] = float(_is_acronym(name))
    f["allcaps"] = float(name.replace("-", "").isupper())
    f["digit"] = float(any(ch.isdigit() for ch in name))
    f["hyphen"] = float("-" in name)
    f["lower_start"] = float(name[:1].islower())
    f["all_lower"] = float(name.islower())
    f["all_cap_words"] = float(len(words) > 1 and all(w[:1].isupper() for w in words if w.lower() not in _MINOR))
    f["has_minor"] = float(any(w.lower() in _MINOR for w in words))
    f["odd_char"] = float(bool(re.search(r"[\\${}]", name)))
    f["head_word"] = float(bool(re.search(r"\b(?:" + _HEADS + r")$", name, re.I)))
    f["suffix"] = float(bool(_LAST_WORD.search(name)))
    f["plural_acr"] = float(bool(re.fullmatch(r"[A-Z]{2,}s", name)))
    head = _split_title(title)[0].strip()
    f["is_title_head"] = float(key(head) == k)
    f["in_title_head"] = float(bool(_split_title(title)[1]) and k in key(head))
    # context of the first mention in the abstract
    first = hits[0] if hits else None
    if first:
        before = text[max(0, first.start() - 60) : first.start()]
        after = text[first.end() : first.end() + 40]
        sent_start = max(text.rfind(". ", 0, first.start()) + 1, 0)
        f["coin_verb_before"] = float(bool(_COIN_VERB.search(text[sent_start : first.start()])))
        f["own_before"] = float(bool(_OWN.search(" ".join(before.split()[-2:]))))
        f["naming_before"] = float(bool(_NAMING.search(before[-30:])))
        f["paren_after"] = float(after.lstrip().startswith("("))
        f["in_paren"] = float(text[first.start() - 1 : first.start()] == "(" and after.startswith(")"))
        f["appos_after"] = float(bool(re.match(r"\s*[,:]\s*(?:a|an|the)\s", after)))
        f["verb_after"] = float(bool(re.match(r"\s*(?:is|are|achieves?|outperforms?|consists?|uses?|leverages?|employs?|combines?)\b", after)))
        f["the_before"] = float(bool(re.search(r"\b(?:the|a|an)\s*$", before)))
        f["using_before"] = float(bool(re.search(r"\b(?:using|use|uses|with|on|of|from|like|such as|including|e\.g\.,?)\s*$", before)))
        f["first_pos"] = first.start() / max(len(text), 1)
        f["modifier_after"] = float(bool(re.match(r"-(?:based|like|style|derived)", after)))
    f["partner_rule"] = float(c.partner in rule_keys)
    f["partner_known"] = float(bool(c.partner) and known.get(c.partner, 0) - (c.partner in own) >= 1)
    if c.partner and len(c.partner) <= 12:
        f["partner_count"] = math.log1p(len(re.findall(r"(?<![\w-])" + re.escape(c.partner) + r"(?![\w-])", key_words(text))))
    f["extends_rule"] = float(any(r != k and k.startswith(r) and len(r) >= 3 for r in rule_keys))
    f["inside_rule"] = float(any(r != k and k in r for r in rule_keys))
    sentence = text[: first.start()].count(". ") if first else -1
    f[f"sentence_{min(sentence, 3)}"] = 1.0
    main = "+".join(sorted(c.sources - {"token"})) or "token"
    for cue in ("coin_verb_before", "in_title", "own_before", "known_table", "is_title_head", "partner_rule"):
        if f.get(cue):
            f[f"{main}&{cue}"] = 1.0
    variants = len(set(re.findall(r"(?<![\w-])" + re.escape(name) + r"-[\w.]+", whole)))
    f["has_variants"] = float(variants > 0)
    return f


def key_words(text: str) -> str:
    """The text as space-separated word keys, to count an acronym however it is punctuated."""
    return " ".join(key(w) for w in text.split())


@lru_cache(maxsize=1)
def _artefact() -> tuple[LinearModel, dict[str, int], float, float]:
    model = load_model(ARTEFACT)
    return model, dict(model.meta.get("known", {})), float(model.meta["low"]), float(model.meta["high"])


def scored(title: str, text: str, model: LinearModel, known: Mapping[str, int], in_table: bool = False) -> list[tuple[NameCandidate, float]]:
    """Each candidate with its probability. (Letting a long form and its acronym share their mean
    lost on dev and dev_gold, so each is judged alone.)"""
    found = gather(title, text)
    rule_keys = frozenset(key(c.text) for c in found if "rule" in c.sources)
    own = frozenset(_table_keys(text)) if in_table else frozenset()
    return [(c, model.probabilities(features(c, title, text, known, rule_keys, own)).get("1", 0.0)) for c in found]


def predict_names(title: str, text: str) -> list[str]:
    """The names the paper coins, in reading order: a name the rules found stays unless the model
    finds it unlikely (`low`); any other candidate needs a likely score (`high`); both chosen on dev."""
    model, known, low, high = _artefact()
    return [c.text for c, p in scored(title, text, model, known) if p >= (low if "rule" in c.sources else high)]


def _table_keys(abstract: str) -> set[str]:
    """The keys an abstract contributes to the table of known names."""
    seen = set()
    for m in _NAME_TOKEN.finditer(abstract):
        t = m.group(1).rstrip(".-")
        if looks_coined(t) or _is_acronym(t) or t[:1].isupper():
            seen.add(key(t))
    for m in _PAREN.finditer(abstract):
        full = _spelled_out(abstract[max(0, m.start() - 120) : m.start()], m.group(1))
        if full:
            seen.add(key(full))
    for m in _TITLE_RUN.finditer(abstract):
        seen.add(key(m.group(1)))
    return {k for k in seen if len(k) >= 2}


def known_table(abstracts: Iterable[str], min_docs: int = 2) -> dict[str, int]:
    """How many abstracts use each name (coined-looking tokens, "(ACR)" long forms, capitalised runs):
    a name many papers use is not coined by the one at hand."""
    docs: dict[str, int] = {}
    for abstract in abstracts:
        for k in _table_keys(abstract):
            docs[k] = docs.get(k, 0) + 1
    return {k: n for k, n in sorted(docs.items()) if n >= min_docs}


def _rows(examples, known: Mapping[str, int]) -> tuple[list[Features], list[str], list[tuple[int, str, str, bool]]]:
    """Features and labels of every candidate; `where`: (paper index, key, partner key, is gold) of each row."""
    from extractor.normalize import normalize

    rows, labels, where = [], [], []
    for i, ex in enumerate(examples):
        title, text = normalize(ex.paper.title).text, normalize(ex.paper.abstract).text
        gold = {key(n) for n in ex.gold["introduced"]}
        found = gather(title, text)
        rule_keys = frozenset(key(c.text) for c in found if "rule" in c.sources)
        own = frozenset(_table_keys(text)) if ex.source == "arxiv" else frozenset()
        for c in found:
            rows.append(features(c, title, text, known, rule_keys, own))
            labels.append("1" if key(c.text) in gold else "0")
            where.append((i, key(c.text), c.partner, key(c.text) in gold))
    return rows, labels, where


def _f1(model: LinearModel, examples, rows, where, low: float, high: float) -> float:
    """Introduced-names F1 when rule names need `low` and other candidates `high`."""
    tp = fp = 0
    for row, (_, _, _, good) in zip(rows, where):
        if model.probabilities(row).get("1", 0.0) >= (low if row.get("src_rule") else high):
            tp += good
            fp += not good
    gold = sum(len({key(n) for n in ex.gold["introduced"]}) for ex in examples)
    return 2 * tp / max(2 * tp + fp + gold - tp, 1)


def _rules_f1(examples) -> float:
    from extractor.normalize import normalize

    tp = fp = fn = 0
    for ex in examples:
        got = {key(n.text) for n in find_names(normalize(ex.paper.title).text, normalize(ex.paper.abstract).text)}
        gold = {key(n) for n in ex.gold["introduced"]}
        tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
    return 2 * tp / max(2 * tp + fp + fn, 1)


def train(corpus, path=None, c: float = 0.5) -> dict[str, float]:
    """Fit on `train`, pick the threshold on dev + dev_gold, save the artefact; dev figures back."""
    import json

    from extractor.learned.train import fit_linear, load_jsonl
    from extractor.normalize import normalize

    split = json.loads((corpus.shared / "arxiv_gold_split.json").read_text(encoding="utf-8"))
    held_out = set(split["test"])
    sample = load_jsonl(corpus.shared / "arxiv_sample.jsonl")
    known = known_table(normalize(r["abstract"]).text for i, r in sorted(sample.items()) if i not in held_out)
    data = {name: corpus.split(name) for name in ("train", "dev", "dev_gold")}
    built = {name: _rows(ex, known) for name, ex in data.items()}
    rows, labels, _ = built["train"]
    model = fit_linear(rows, labels, c=c, meta={})
    grid = [(lo, hi) for lo in (0.05, 0.1, 0.15, 0.2, 0.3) for hi in (0.3, 0.4, 0.5, 0.6, 0.7) if lo <= hi]
    figures = {t: {n: _f1(model, data[n], built[n][0], built[n][2], *t) for n in ("dev", "dev_gold")} for t in grid}
    floor = _rules_f1(data["dev_gold"])  # the rules' figure there: the listing papers must not lose
    kept = [t for t in grid if figures[t]["dev_gold"] >= floor - 1e-9] or grid
    low, high = max(kept, key=lambda t: (figures[t]["dev"], figures[t]["dev_gold"], -t[1]))
    meta = {"low": low, "high": high, "c": c, "dev_f1": round(figures[low, high]["dev"], 4),
            "dev_gold_f1": round(figures[low, high]["dev_gold"], 4), "known": known}
    model = LinearModel(model.classes, model.weights, model.bias, meta)
    if path is not False:
        from extractor.learned.linear import DATA

        model.save(path or DATA / f"{ARTEFACT}.json")
        _artefact.cache_clear()
    return {"low": low, "high": high, "dev_f1": figures[low, high]["dev"], "dev_gold_f1": figures[low, high]["dev_gold"],
            "rules_dev_gold_f1": floor}
