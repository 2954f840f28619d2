"""The rules' fast paths (issue 12, item 0) find exactly what the plain patterns find."""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import candidates as candidates_module
from extractor import labels, names, number_words
from extractor.cues import Literals, Pruned, alternatives, compile_cue, leading_literal, matches_from, may_match, skip_ahead
from extractor.labels import label_claims
from extractor.learned import names as learned_names
from extractor.learned.claims import Models, candidates, decide, judge, labelled, load_models, rules_alone, rules_decide
from extractor.learned import fields as fields_module
from extractor.learned.fields import FIELDS, _raw_tables, paper_features
from extractor.learned.linear import Joint, LinearModel, load_joint, load_model
from extractor.normalize import _RESIDUE, _normalize, _residues, normalize

PAPERS = Path(__file__).resolve().parents[1] / "extractor" / "data" / "papers.jsonl"

# Pieces that make every kind of residue and cue, and near misses of them.
PIECES = ["\\%", "\\textbf{", "}", "{", "$", "$2.4\\times$", "\\sim", "sim", "5", " times", "times", "3times", "~", "\n",
          " \n ", "\r\n", "\t", "{\\em x}", "\\'e", "a", "Z", " ", ".", "-", "CNN", "cnns", "ResNet", "GPT", "bert",
          "LLaMA", "vision", "Image", "3D", "code", "VLMs", "x-ray", "five", "fold", "-fold", "percent", "third", "half",
          "first", "place", "1/3", "only", "to", "by", "order of magnitude", "é", "ß", "K", "chatgpt", "llms", "large language model",
          "mamba", "state space", "image-text", "multimodal", "VLA", "unet", "u-net"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
# (Not "İ": its lowercase is two characters, the second not a letter, so a word boundary appears; see cues.py.)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_residue_starts_find_every_piece_of_residue(raw: str):
    assert [m.span() for m in _residues(raw)] == [m.span() for m in _RESIDUE.finditer(raw)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789$.,-%x×/ (\u0663to->", max_size=30) | texts)
def test_quantities_tried_where_they_start_are_those_finditer_finds(text: str):
    assert [m.groupdict() | {"span": m.span()} for m in matches_from(candidates_module._QUANTITY, candidates_module._QUANTITY_START, text)] \
        == [m.groupdict() | {"span": m.span()} for m in candidates_module._QUANTITY.finditer(text)]


def test_quantities_tried_where_they_start_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        fast = matches_from(candidates_module._QUANTITY, candidates_module._QUANTITY_START, text)
        assert [m.span() for m in fast] == [m.span() for m in candidates_module._QUANTITY.finditer(text)]


def _cue_patterns() -> list[tuple[str, bool]]:
    """Every cue pattern the rules and the learned fields count, as written (case-insensitive unless marked)."""
    written = [(p.whole.pattern, False) for p in (*labels._DOMAIN_CUES.values(), *labels._ARCH_CUES.values())]
    return written + [(e["pattern"], e.get("case", False)) for entries in _raw_tables().values() for e in entries.values()]


@settings(max_examples=200, deadline=None)
@given(texts)
def test_cue_patterns_count_as_the_case_insensitive_ones(text: str):
    for pattern, case in _cue_patterns():
        plain = re.compile(pattern) if case else re.compile(pattern, re.I)
        fast = compile_cue(pattern, case)
        assert len(fast.findall(text if case else text.lower())) == len(plain.findall(text)), pattern


def test_cue_patterns_count_the_same_over_the_bundled_abstracts():
    papers = [json.loads(line) for line in PAPERS.read_text(encoding="utf-8").splitlines()]
    for pattern, case in _cue_patterns():
        plain = re.compile(pattern) if case else re.compile(pattern, re.I)
        fast = compile_cue(pattern, case)
        for p in papers:
            text = p["abstract"]
            assert len(fast.findall(text if case else text.lower())) == len(plain.findall(text)), pattern


@lru_cache(maxsize=1)
def _pruned() -> list[tuple[Pruned, str, bool]]:
    return [(Pruned(pattern, case), pattern, case) for pattern, case in _cue_patterns()]


def _pruned_counts_as_whole(text: str) -> None:
    for pruned, pattern, case in _pruned():
        haystack = text if case else text.lower()
        kept = pruned.kept(haystack)
        assert (pruned.count(haystack, kept) if kept else 0) == len(compile_cue(pattern, case).findall(haystack)), pattern


@settings(max_examples=200, deadline=None)
@given(texts)
def test_pruned_patterns_count_as_the_whole_ones(text: str):
    _pruned_counts_as_whole(text)


def test_pruned_patterns_count_as_the_whole_ones_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        _pruned_counts_as_whole(json.loads(line)["abstract"])


def test_pruned_patterns_merge_overlapping_alternatives_as_the_whole_one():
    pattern = r"ab|abc|bcd|c|\bx?y|\bda"
    for text in ("abcd abc bcd c", "cabcd", "bcdabc", "yy xy y xyx", "dabc da", "abcdc"):
        pruned = Pruned(pattern, case=True)
        assert pruned.count(text, tuple(range(len(pruned.parts)))) == len(re.findall(pattern, text)), text


@lru_cache(maxsize=1)
def _literals() -> list[tuple[Pruned, bool, Literals, Literals]]:
    """Each pruned pattern with its leading texts as `Literals`: as they are (tested with `in`), and
    with enough more to be scanned for."""
    out = []
    for pruned, _, case in _pruned():
        starts = [s for s in pruned.starts if s]
        many = Literals([*starts, *(f"{starts[k % len(starts)] if starts else ''}#{k}" for k in range(Literals.SCAN_FROM))])
        assert many.pattern is not None
        out.append((pruned, case, Literals(starts), many))
    return out


def _literals_present_as_in_tests(text: str) -> None:
    for pruned, case, few, many in _literals():
        haystack = text if case else text.lower()
        for literals in (few, many):
            assert literals.present(haystack) == {s for s in literals.literals if s in haystack}
        assert pruned.kept(few.present(haystack)) == pruned.kept(haystack)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_literals_present_are_those_the_in_test_finds(text: str):
    _literals_present_as_in_tests(text)
    words = ["ab", "abc", "abcd", "bc", "b c", "c+", "x.y", "xy", *(f"q{k}" for k in range(Literals.SCAN_FROM))]
    assert Literals(words).present(text) == {w for w in words if w in text}


def test_literals_present_are_those_the_in_test_finds_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        _literals_present_as_in_tests(json.loads(line)["abstract"])
    padding = [f"q{k}" for k in range(Literals.SCAN_FROM)]  # enough literals to be scanned for
    assert Literals(["ab", "abcd", "bcd", "cd", *padding]).present("xabcdx abc q1") == {"ab", "abcd", "bcd", "cd", "q1"}
    assert Literals([]).present("anything") == frozenset()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_llm_test_skipped_only_where_it_cannot_match(text: str):
    for variant in (text, text.upper(), text + " \u017ftran\u017fformer", text + " LLM\u212a"):
        assert labels._names_llms(variant) == bool(labels._LLM.search(variant))


def _name_tokens(pattern: re.Pattern[str], text: str) -> list[tuple[str, int]]:
    """The tokens `learned.names.gather` reads: all but plain lowercase words."""
    found = [(m.group(1).rstrip(".-"), m.start(1)) for m in pattern.finditer(text)]
    return [(t, at) for t, at in found if not (t.islower() and t.isalpha())]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abZé5.-+_ (\n", max_size=40) | texts)
def test_uncommon_tokens_are_the_name_tokens_less_plain_words(text: str):
    assert _name_tokens(learned_names._UNCOMMON_TOKEN, text) == _name_tokens(learned_names._NAME_TOKEN, text)


def test_uncommon_tokens_are_the_name_tokens_less_plain_words_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["abstract"]
        assert _name_tokens(learned_names._UNCOMMON_TOKEN, text) == _name_tokens(learned_names._NAME_TOKEN, text)


NAMING_PIECES = ["we", "We", " ", "\n", "call", "Call", "term", "name", "NAME", "dub", "refer", "Referred", "to", "as", "called",
                 "Called", "named", "dubbed", "termed", "coined", "framework", "Method", ",", "namely", "Namely", "it", "a", "K", "\u212a"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(NAMING_PIECES), max_size=12).map("".join) | texts)
def test_naming_skipped_only_where_it_cannot_match(text: str):
    if not may_match(text, names._NAMING_HINT):
        assert names._NAMING.search(text) is None


def test_naming_skipped_only_where_it_cannot_match_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        assert may_match(text, names._NAMING_HINT) or names._NAMING.search(text) is None


COIN_PIECES = ["we", "We", "WE", " ", "\n", "this", "This", "paper", "Paper", "work", "our", "Our", "proposed", "novel", "propose",
               "introduces", "presented", "call", "called", "Called", "named", "named entity", "dubbed", "termed", "coined", "x", "-",
               "a", ".", "\u212a", "\u0130"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(COIN_PIECES), max_size=14).map("".join) | texts)
def test_coin_verbs_tried_where_they_begin_are_those_finditer_finds(text: str):
    names.coin_verbs.cache_clear()
    assert [m.span() for m in names.coin_verbs(text)] == [m.span() for m in names._COIN_VERB.finditer(text)]


def test_coin_verbs_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        assert [m.span() for m in names.coin_verbs(text)] == [m.span() for m in names._COIN_VERB.finditer(text)]


def test_alternatives_split_at_the_top_level_only():
    assert alternatives(r"\bcnns?\b|res(?:net|nex)t|[|]x|\|y") == [r"\bcnns?\b", "res(?:net|nex)t", "[|]x", r"\|y"]
    assert leading_literal(r"\bresnet\d*") == "resnet"
    assert leading_literal(r"x-?rays?") is None  # one letter: too common to test
    assert leading_literal(r"(?:a|b)c") is None


def test_skip_ahead_moves_only_a_guard_before_a_plain_letter():
    assert skip_ahead(r"\bcnns?\b|resnet") == r"c(?<=\bc)nns?\b|resnet"
    assert skip_ahead(r"\bs?x") == r"\bs?x"  # a quantified letter keeps its guard
    assert skip_ahead(r"\b(?:a|b)") == r"\b(?:a|b)"
    assert skip_ahead(r"[\b]a") == r"[\b]a"  # a backspace in a class is not a guard
    assert skip_ahead(r"\\bx") == r"\\bx"  # an escaped backslash then "bx"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_number_words_need_their_words(text: str):
    for pattern, words in number_words._NEEDS.items():
        if pattern.search(text):
            assert any(w in text.lower() for w in words), pattern.pattern


def test_batched_probabilities_equal_one_at_a_time():
    model = LinearModel(("a", "b", "c"), {"x": (1.0, -2.0, 0.5), "y": (0.0, 3.0, -1.0)}, (0.1, 0.2, -0.3), {})
    many = [{"x": 1.0}, {}, {"x": 0.5, "y": 2.0, "unknown": 9.0}, {"y": 0.0}]
    for features, got in zip(many, model.probabilities_many(many)):
        totals = [b + sum(model.weights[f][k] * v for f, v in features.items() if f in model.weights) for k, b in enumerate(model.bias)]
        exps = [math.exp(t - max(totals)) for t in totals]
        expected = {c: e / sum(exps) for c, e in zip(model.classes, exps)}
        assert got.keys() == expected.keys()
        assert all(math.isclose(got[c], expected[c], rel_tol=1e-12) for c in got)
    assert model.probabilities_many([]) == []


def test_two_class_totals_in_python_are_numpys_to_the_last_bit():
    rng = random.Random(0)
    for name in ("names", "task"):
        model = load_model(name)
        names = sorted(model.weights)
        many = [{f: rng.choice([1.0, True, 2, rng.uniform(-3, 3), math.log1p(rng.randrange(9))]) for f in rng.sample(names, rng.randrange(60))}
                | {"unknown": 1.0} for _ in range(300)]
        assert model._two_class_totals(many).tobytes() == model._totals(many).tobytes()


def test_joint_models_score_as_each_alone_to_the_last_bit():
    a = LinearModel(("a", "b", "c"), {"x": (1.0, -2.0, 0.5), "y": (0.1, 3.0, -1.0)}, (0.1, 0.2, -0.3), {})
    b = LinearModel(("p", "q"), {"y": (0.3, -0.7), "z": (2.0, 1e-9)}, (0.0, 1.0), {})
    for features in ({"x": 1.0}, {}, {"x": 0.5, "y": 2.0, "z": -3.0, "unknown": 9.0}, {"z": 0.25}):
        assert Joint([a, b]).probabilities(features) == [a.probabilities(features), b.probabilities(features)]
    models = [load_model(f) for f in FIELDS]
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        features = paper_features(normalize(paper["title"]).text, normalize(paper["abstract"]).text)
        assert load_joint(FIELDS).probabilities(features) == [m.probabilities(features) for m in models]


def test_a_labelling_reused_is_the_one_label_claims_gives():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        quantities, labels = candidates(text)
        accepted = [q for q in quantities if q.rule_result]
        every_other = quantities[::2]
        for numbers in (quantities, accepted, every_other, []):
            assert labelled(text, numbers, (quantities, labels), (accepted, label_claims(text, accepted))) == label_claims(text, numbers)


def test_the_rules_alone_are_what_judge_keeps_when_the_thresholds_leave_the_models_nothing():
    shipped = load_models()
    choice = {"drop": 1.0, "add": 1.0, "kind_confidence": 1.01}
    models = Models(replace(shipped.filter, meta={**shipped.filter.meta, **choice}), shipped.kind)
    assert rules_decide(models.choice)
    for p_none in (0.0, 5e-324, 0.3, 1.0 - 2**-53, 1.0):
        for rule_result in (True, False):
            assert decide(p_none, {"score": 1.0, "other": 0.0}, rule_result, "other", models.choice) == ("other" if rule_result else "none")
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        kept = [j for j in judge(text, models) if j.kind != "none"]
        assert rules_alone(text) == ([j.quantity for j in kept], [j.label for j in kept])


def test_the_models_decide_below_the_thresholds_that_leave_them_nothing():
    for drop, add, kind_confidence in ((0.99, 1.0, 1.01), (1.0, 0.9, 1.01), (1.0, 1.0, 1.0), (0.8, 0.7, 0.0)):
        assert not rules_decide({"drop": drop, "add": add, "kind_confidence": kind_confidence})


_WORDY = st.lists(st.sampled_from(PIECES + ["ΟΔΟΣ", "Σ.", "ς", "İ", "_", "a_b", "--", "(ACR)", "Net", "net", "\u00a0", "\u2003"]), max_size=30).map("".join)


def _view_as_plain(title: str, text: str, name: str) -> None:
    view = learned_names.PaperView(title, text)
    assert view.words == Counter(k for k in map(names.key, text.split()) if k)
    assert list(view.hits(name)) == list(names.word_hits(text, name, ignore_case=True))
    assert list(view.hits(name, in_title=True)) == list(names.word_hits(title, name, ignore_case=True))


@settings(max_examples=300, deadline=None)
@given(_WORDY, _WORDY, st.sampled_from(["net", "NET", "ΟΔΟΣ", "İ", "x", "Z a", "ACR", "a_b"]))
def test_paper_view_counts_and_finds_as_key_and_word_hits(title: str, text: str, name: str):
    _view_as_plain(title, text, name)


def test_paper_view_counts_and_finds_as_key_and_word_hits_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        title, text = normalize(paper["title"]).text, normalize(paper["abstract"]).text
        for c in learned_names.gather(title, text):
            _view_as_plain(title, text, c.text)


def _normalized_as_plain(raw: str) -> None:
    fast, plain = normalize(raw), _normalize(raw)
    assert fast.text == plain.text
    assert tuple(fast.starts) == plain.starts and tuple(fast.ends) == plain.ends and fast == plain
    assert [fast.starts[i] for i in range(-len(plain.starts), len(plain.starts))] == list(plain.starts + plain.starts)
    assert fast.ends[1:-1] == plain.ends[1:-1] and len(fast.ends) == len(plain.ends)
    for start in range(len(plain.text) + 1):
        assert fast.raw_span(start, len(plain.text)) == plain.raw_span(start, len(plain.text))
        assert fast.raw_span(0, start) == plain.raw_span(0, start)


@settings(max_examples=400, deadline=None)
@given(texts | st.text(alphabet=" \t\r\nab1sim times{}$~\\", max_size=40))
def test_line_breaks_alone_normalize_as_any_residue(raw: str):
    _normalized_as_plain(raw)


def test_line_breaks_alone_normalize_as_any_residue_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        for raw in (paper["title"], paper["abstract"], paper["abstract"].replace(" ", "\n ", 9)):
            _normalized_as_plain(raw)


def test_agreements_of_a_paper_are_each_candidates_agreement():
    from extractor.learned import task

    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        found = task.gather(normalize(paper["title"]).text, normalize(paper["abstract"]).text)
        assert task._agreements(found) == [task._agreement(c, found) for c in found]


def _task_patterns_as_plain(text: str) -> None:
    from extractor.learned import task

    low = text.lower()
    for name, pattern in task._PATTERNS.items():
        assert [m.span() for m in task._LOWERED[name].finditer(low)] == [m.span() for m in pattern.finditer(text)], name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["We ", "we address ", "This Paper ", "study ", "Tasks of ", "improving the ", "Enhanced",
                                          "method for ", "Framework To ", "problem", "s of"]), max_size=30).map("".join).filter(str.isascii))
def test_task_patterns_lowered_find_what_they_find(text: str):
    _task_patterns_as_plain(text)


def test_task_patterns_lowered_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        if text.isascii():
            _task_patterns_as_plain(text)


def _namings_as_finditer(text: str) -> None:
    assert [m.span() for m in names._namings(text)] == [m.span() for m in names._NAMING.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["We call ", "we ", "WE TERM ", "referred to as ", "Called ", "called ", "named ", "named entity",
                                          "Framework, namely ", "method namely ", "variants namely, ", "x", "dubbed as ", "it ", "the "]),
                max_size=30).map("".join))
def test_namings_tried_where_they_begin_are_those_finditer_finds(text: str):
    _namings_as_finditer(text)


def test_namings_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        _namings_as_finditer(normalize(paper["title"]).text + "\n" + normalize(paper["abstract"]).text)


def _ranks_as_finditer(text: str) -> None:
    assert [m.span() for m in number_words._matches(number_words._RANK, text, text.lower())] == \
        [m.span() for m in number_words._RANK.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["Ranks ", "ranked ", "placing ", "at ", "the ", "First", "second ", "place", "in the ",
                                          "fifth ", "on the ", "leaderboard", "out of ", "track", "firstly"]), max_size=30).map("".join))
def test_ranks_tried_where_they_begin_are_those_finditer_finds(text: str):
    _ranks_as_finditer(text)


def test_ranks_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        _ranks_as_finditer(normalize(json.loads(line)["abstract"]).text)


URL_PIECES = ["http", "HTTPS", "Http", "s", " ", ":", "//", "www.", "WWW.", "github.com", "GitHub.com", "gitlab.com", "huggingface.co",
              "aka.ms", "bit.ly", "/", "x", "{", "}", ".", ",", "\u212a", "\u017f"]


def _urls_as_finditer(text: str) -> None:
    found = [(u.text, u.start, u.end) for u in candidates_module.find_urls(text)]
    assert found == [(candidates_module.clean_url(m.group(0)), m.start(), m.end()) for m in candidates_module._URL.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=14).map("".join) | texts)
def test_urls_skipped_only_where_none_can_match(text: str):
    _urls_as_finditer(text)


def test_urls_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        _urls_as_finditer(normalize(json.loads(line)["abstract"]).text)


def test_a_shared_scan_finds_what_each_table_alone_finds():
    from extractor.cues import SharedScan

    scan = SharedScan()
    scan.include(["ab", "bcd"])
    assert scan.present("xabcd") == {"ab", "bcd"}
    scan.include(["cd", "zz", *(f"q{k}" for k in range(Literals.SCAN_FROM))])  # now scanned for, and the last answer forgotten
    assert scan.present("xabcd") == {"ab", "bcd", "cd"}
    assert scan.present("q1 zz") == {"q1", "zz"}


def _cue_scans_as_in_tests(title: str, text: str) -> None:
    """The rules' and the families table's leading texts, found by the one shared scan, are those `in` finds."""
    lowered_fields, case_fields = set(), set()
    for entries in _raw_tables().values():
        for e in entries.values():
            cue = Pruned(e["pattern"], case=e.get("case", False))
            (case_fields if e.get("case") else lowered_fields).update(s for s in cue.starts if s)
    lowered = f"{title.lower()}\0{text.lower()}"
    rules = {s for cue in (*labels._DOMAIN_CUES.values(), *labels._ARCH_CUES.values()) for s in cue.starts if s}
    fields_module._scanned.cache_clear()
    _, present = fields_module._scanned(title, text)
    assert present[True] == {s for s in lowered_fields | rules | {c.lower() for c in case_fields} if s in lowered}
    assert present[False] == {s for s in case_fields if s in f"{title}\0{text}"}
    assert labels.LOWERED_SCAN.present(lowered) == present[True]


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_the_cue_tables_find_their_leading_texts_in_one_scan(title: str, text: str):
    _cue_scans_as_in_tests(title, text)


def test_the_cue_tables_find_their_leading_texts_in_one_scan_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        _cue_scans_as_in_tests(paper["title"], paper["abstract"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(COIN_PIECES), max_size=14).map("".join) | texts)
def test_a_coin_verb_found_where_one_can_begin_is_the_one_search_finds(text: str):
    assert names.has_coin_verb(text) == bool(names._COIN_VERB.search(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["net", "Net", "NET", "former", "LM", "x", "-", " ", "\n", "data", "set", "\u212a", "\u017f", "é"]),
                max_size=8).map("".join))
def test_a_last_word_found_by_endswith_is_the_one_search_finds(name: str):
    assert learned_names._ends_in_last_word(name) == bool(learned_names._LAST_WORD.search(name))


def test_coin_verbs_and_last_words_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        for sentence in re.split(r"(?<=\.) ", text):
            assert names.has_coin_verb(sentence) == bool(names._COIN_VERB.search(sentence))
        for word in text.split():
            assert learned_names._ends_in_last_word(word) == bool(learned_names._LAST_WORD.search(word))


def _plain_ngrams(text: str, prefix: str) -> dict[str, float]:
    words = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())
    grams = dict.fromkeys(words) | dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:]))
    return {f"{prefix}{g}": 1.0 / math.sqrt(len(grams)) for g in grams}


@settings(max_examples=300, deadline=None)
@given(texts)
def test_ngrams_named_as_made_are_the_plain_ones_in_their_order(text: str):
    assert list(fields_module._ngrams(text, "a:").items()) == list(_plain_ngrams(text, "a:").items())


def test_ngrams_and_open_fields_over_the_bundled_abstracts():
    from extractor.extract import draft_extraction
    from extractor.schema import Paper

    for line in PAPERS.read_text(encoding="utf-8").splitlines()[:40]:
        paper = json.loads(line)
        assert list(fields_module._ngrams(paper["abstract"], "a:").items()) == list(_plain_ngrams(paper["abstract"], "a:").items())
        draft = draft_extraction(Paper(id="x", title=paper["title"], abstract=paper["abstract"]))
        assert draft.open == labels.open_fields(draft.title, draft.norm.text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30) | texts | _WORDY)
def test_keys_and_folds_deleted_in_c_are_the_substituted_ones(text: str):
    from extractor.validate import _fold

    assert names.key(text) == re.sub(r"[\W_]+", "", text.lower())
    if text.isascii():  # (other text takes the unchanged path: accents stripped, then substituted)
        assert _fold(text) == re.sub(r"[\W_]+", "", text.lower())
        assert learned_names.PaperView("", text).words == Counter(re.sub(r"[^\w\s]|_", "", text.lower()).split())


_PLAIN_TITLE_RUN = re.compile(r"(?<![\w-])((?:[A-Z0-9][\w\-+]*)(?:\s+(?:(?:of|for|and|with|via|in|to|on|by)\s+)?[A-Z0-9][\w\-+]*){1,6})(?![\w-])")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aZ5-_+ \n(of", max_size=30) | texts | _WORDY)
def test_title_runs_guarded_after_their_first_character_are_the_plain_ones(text: str):
    assert [(m.span(), m.group(1)) for m in learned_names._TITLE_RUN.finditer(text)] == \
        [(m.span(), m.group(1)) for m in _PLAIN_TITLE_RUN.finditer(text)]


def test_title_runs_and_first_sentences_over_the_bundled_abstracts():
    from extractor.learned.task import _sentences

    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        assert [(m.span(), m.group(1)) for m in learned_names._TITLE_RUN.finditer(text)] == \
            [(m.span(), m.group(1)) for m in _PLAIN_TITLE_RUN.finditer(text)]
        assert _sentences(text, limit=4) == _sentences(text)[:4]
        assert _sentences(text[:200], limit=4) == _sentences(text[:200])[:4]


_PLAIN_FRACTION = re.compile(r"\bby\s+(?P<a>[1-9])/(?P<d>[2-9])(?:\s+to\s+(?P<b>[1-9])/(?P<e>[2-9]))?")
BASELINE_PIECES = ["outperforms", "than", "over", "vs.", "VS", "versus", "compared to", "X", " ", "(", ")", "=", ":", "AUC", "0.5",
                   ".", ";", "\n", "\t", "by", "1/2", "3/4", " to ", "abby", "_by",
                   "74.3%", ", ", " and ", "BioBERT", "matching"]


def _baseline_guard_holds(text: str, end: int) -> bool:
    """`_may_end_baseline` lets through every position where one of the two searches it guards matches."""
    from extractor.result_words import _BASELINE_PAREN, _PAREN_LIST_BACK, _may_end_baseline

    matched = _BASELINE_PAREN.search(text, max(0, end - 140), end) or _PAREN_LIST_BACK.search(text, max(0, end - 90), end)
    return _may_end_baseline(text, end) or not matched


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BASELINE_PIECES), max_size=16).map("".join) | texts)
def test_fractions_and_baselines_in_parentheses_as_the_plain_searches(text: str):
    assert [m.groupdict() | {"span": m.span()} for m in candidates_module._FRACTION.finditer(text)] == \
        [m.groupdict() | {"span": m.span()} for m in _PLAIN_FRACTION.finditer(text)]
    assert all(_baseline_guard_holds(text, end) for end in range(len(text) + 1))


@pytest.mark.parametrize("text", ["outperforms T1-based (AUC = ", "compared to CDM (r=", "compared with the baseline (F1: ",
                                  "outperforming spaCy (74.3%), BioBERT (62.3%), and GLiNER (", "outperforms X (AUC = 0.68) and Y ("])
def test_the_baseline_guard_lets_through_each_way_a_baseline_number_is_written(text: str):
    from extractor.result_words import _baseline_paren

    assert _baseline_guard_holds(text, len(text)) and _baseline_paren(text, len(text))


def test_fractions_and_baselines_in_parentheses_over_the_bundled_abstracts():
    for line in PAPERS.read_text(encoding="utf-8").splitlines():
        text = normalize(json.loads(line)["abstract"]).text
        assert [m.span() for m in candidates_module._FRACTION.finditer(text)] == [m.span() for m in _PLAIN_FRACTION.finditer(text)]
        for m in re.finditer(r"\d", text):
            assert _baseline_guard_holds(text, m.start())
