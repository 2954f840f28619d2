"""corpus.py: every input format, every error message, skipping, stdin, ids, merging, the real pages."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.corpus import FORMATS, paper_id, read_papers, read_sample
from extractor.errors import InputError
from extractor.schema import Paper

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "data" / "corpus"
LONG = "An abstract paragraph that goes on. " * 10  # > 300 characters: too long to be a listing title

ONE = ("Title One", "  Abstract one, verbatim.  ")
TWO = ("Title Two", "Abstract two.")
H_ONE, H_TWO = paper_id(*ONE), paper_id(*TWO)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def triples(papers: list[Paper]) -> list[tuple[str, str, str]]:
    return [(p.id, p.title, p.abstract) for p in papers]


# ---------------------------------------------------------------- formats

JSONL = (
    '{"id": "a1", "title": " Title One ", "abstract": "  Abstract one, verbatim.  ", "extra": 1}\n'
    "\n"
    '{"title": "Title Two", "abstract": "Abstract two."}\n'
)
JSON = json.dumps(
    [{"id": "a1", "title": "Title One", "abstract": ONE[1]}, {"title": "Title Two", "abstract": "Abstract two.", "x": []}],
    indent=2,
)
CSV = 'id,title,abstract\r\na1, Title One ,"  Abstract one, verbatim.  "\r\n,Title Two,Abstract two.\r\n'
LISTING = "Daily Papers\n\nTitle One\n  Abstract one, verbatim.  \r\nSep 10\nTitle Two\n\nAbstract two."
ATOM = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Title One</title><summary>  Abstract one, verbatim.  '
        "</summary></entry><entry><title>Title Two</title><summary>Abstract two.</summary></entry></feed>")


@pytest.mark.parametrize(
    ("name", "content", "ids"),
    [
        ("papers.jsonl", JSONL, ["a1", H_TWO]),
        ("papers.ndjson", JSONL, ["a1", H_TWO]),
        ("papers.JSON", JSON, ["a1", H_TWO]),
        ("papers.csv", CSV, ["a1", H_TWO]),
        ("page.txt", LISTING, [H_ONE, H_TWO]),
        ("feed.xml", ATOM, [H_ONE, H_TWO]),
    ],
)
def test_each_format_reads_titles_stripped_and_abstracts_verbatim(tmp_path, name, content, ids):
    papers = list(read_papers([write(tmp_path, name, content)]))
    assert triples(papers) == [(ids[0], *ONE), (ids[1], *TWO)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_input_format_overrides_the_extension(tmp_path, fmt):
    content = {"jsonl": JSONL, "json": JSON, "csv": CSV, "listing": LISTING, "atom": ATOM}[fmt]
    papers = list(read_papers([write(tmp_path, "papers.data", content)], input_format=fmt))
    assert [p.title for p in papers] == ["Title One", "Title Two"]


def test_ids_are_kept_as_strings(tmp_path):
    path = write(tmp_path, "p.jsonl", '{"id": 7, "title": "T", "abstract": "A"}\n{"id": " ", "title": "U", "abstract": "B"}\n')
    assert [p.id for p in read_papers([path])] == ["7", paper_id("U", "B")]


def test_csv_header_is_matched_loosely_and_quoted_line_breaks_are_kept(tmp_path):
    path = write(tmp_path, "p.csv", ' Title ,ABSTRACT,venue\nT,"line one\nline two ",ACL\n')
    assert triples(list(read_papers([path]))) == [(paper_id("T", "line one\nline two "), "T", "line one\nline two ")]


def test_a_single_path_is_not_read_as_characters(tmp_path):
    path = write(tmp_path, "p.jsonl", JSONL)
    assert len(list(read_papers(str(path)))) == 2


# ---------------------------------------------------------------- listing pages


def test_hand_made_listing_page():
    """Chrome, a title glued to "Subscribe", dates between entries, with and without blank lines."""
    papers = list(read_papers([FIXTURES / "listing_small.txt"]))
    tiny = ("TinyLM: A Small Decoder-Only Model",
            "We train a 10M-parameter decoder-only model and report a 2.5x speedup over a 40M baseline.  ")
    sparse = ("Sparse Attention, Revisited", "Sparse attention cuts memory by 38\\% at 32k tokens with no loss in perplexity.")
    encoders = ("Why Encoders?", "Encoder-only models still win on retrieval: +4.1 nDCG@10 on BEIR.")
    assert [(p.title, p.abstract) for p in papers] == [tiny, sparse, encoders]  # the repeated TinyLM merged
    assert all(re.fullmatch(r"h[0-9a-f]{12}", p.id) for p in papers)


def test_real_listing_pages_yield_exactly_the_papers_of_papers_jsonl():
    pages = [SHARED / "data" / "raw" / f"daily_papers_listing_{i}.txt" for i in (1, 2)]
    assert [len(list(read_papers([page]))) for page in pages] == [71, 119]  # 190 entries
    papers = list(read_papers(pages))
    with open(SHARED / "data" / "papers.jsonl", encoding="utf-8") as f:
        expected = [json.loads(line) for line in f]
    assert len(papers) == len(expected) == 176
    assert Counter((p.title, p.abstract) for p in papers) == Counter((r["title"], r["abstract"]) for r in expected)
    assert len({p.id for p in papers}) == 176


# ---------------------------------------------------------------- errors

ERRORS = [
    ("bad.jsonl", '{"title": "T", "abstract": "A"}\n{"title": "T", "abstract": "A" "x"}\n',
     ["bad.jsonl:2:", "not valid JSON (Expecting ',' delimiter: column 32)", 'one JSON object with "title" and "abstract"']),
    ("bad.jsonl", '{"abstract": "A"}\n', ["bad.jsonl:1:", 'no "title"', "its keys: abstract", "Each line must"]),
    ("bad.jsonl", '{"title": "T", "summary": "S"}\n', ["bad.jsonl:1:", 'no "abstract"', "title, summary", "Each line must"]),
    ("bad.jsonl", '\n{"title": "T", "abstract": " \\n "}\n', ["bad.jsonl:2:", '"abstract" is empty', "Each line must"]),
    ("bad.jsonl", '{"title": "T", "abstract": 3}\n', ["bad.jsonl:1:", '"abstract" must be a string, got a number']),
    ("bad.jsonl", '[{"title": "T", "abstract": "A"}]\n', ["bad.jsonl:1:", "expected a JSON object, got an array"]),
    ("bad.jsonl", '{"id": {}, "title": "T", "abstract": "A"}\n', ["bad.jsonl:1:", '"id" must be a string or an integer']),
    ("bad.json", '{\n  "title": "T",\n  "abstract": "A"\n}', ["bad.json:", "expected a JSON array", "got an object"]),
    ("bad.json", '[{"title": "T",\n  "abstract": }]', ["bad.json:2:", "not valid JSON", "must be a JSON array of objects"]),
    ("bad.json", '[{"title": "T", "abstract": "A"}, "oops"]', ["bad.json: item 2:", "got a string", "JSON array of objects"]),
    ("bad.csv", "title,summary\nT,S\n", ["bad.csv:1:", 'no "abstract" column', "the header has: title, summary",
                                        'header naming "title" and "abstract"']),
    ("bad.csv", "name,abstract\nT,A\n", ["bad.csv:1:", 'no "title" column', "the header has: name, abstract"]),
    ("bad.csv", "title,abstract\nT,A, with a comma\n", ["bad.csv:2:", "3 fields but the header has 2", "Quote values"]),
    ("bad.csv", "title,abstract\n\nT,\n", ["bad.csv:3:", '"abstract" is empty', "Each row needs"]),
    ("empty.jsonl", "", ["empty.jsonl:", "is empty", "JSONL (.jsonl)"]),
    ("blank.csv", "\n  \n", ["blank.csv:", "is empty"]),
    ("bin.jsonl", b'{"title": "T"}\x00\x01\x02', ["bin.jsonl:", "looks binary", "NUL", "JSONL (.jsonl)", "CSV", ".txt"]),
    ("latin1.csv", b"title,abstract\nT,caf\xe9\n", ["latin1.csv:2:", "not UTF-8", "0xe9 at column 6",
                                                   "iconv -f latin1 -t utf-8", "latin1.utf8.csv"]),
    ("page.txt", f"Daily Papers\n{LONG}\nT\nA\n", ["page.txt:2:", "with no title line before it", "title line followed by"]),
    ("page.txt", "T\nA\nLonely\n", ["page.txt:3:", 'title "Lonely" has no abstract', "title line followed by"]),
    ("page.txt", f"First\nSecond\n{LONG}\n", ["page.txt:1:", 'title "First" has no abstract']),
    ("page.txt", "new\nSubscribe\nDaily Papers\nSep 10\n", ["page.txt:", "found no papers"]),
    ("papers.pdf", "%PDF", ["papers.pdf:", 'extension ".pdf"', "--input-format jsonl|json|csv|listing|atom"]),
    ("papers.xlsx", "PK", ["papers.xlsx:", "spreadsheet", "Save it as CSV"]),
    ("bad.jsonl", '{"abstract": "A"}\n', ["bad.jsonl:1:", "pass --on-error skip"]),
]


@pytest.mark.parametrize(("name", "content", "fragments"), ERRORS)
def test_errors_name_the_file_the_line_and_the_fix(tmp_path, name, content, fragments):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as raised:
        list(read_papers([path]))
    message = str(raised.value)
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message


def test_missing_file_raises_before_iteration(tmp_path):
    with pytest.raises(InputError, match=r"nope\.jsonl: no such file\. Check the path"):
        read_papers([tmp_path / "nope.jsonl"])


def test_directory_is_rejected(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_papers([tmp_path])


def test_unknown_format_lists_the_known_ones(tmp_path):
    with pytest.raises(InputError, match='unknown input format "xml". Use one of: jsonl, json, csv, listing, atom'):
        read_papers([write(tmp_path, "p.jsonl", JSONL)], input_format="xml")


def test_json_lines_are_read_lazily_and_a_bad_line_raises_where_it_is_met(tmp_path):
    """issue 12: a file of millions of lines streams, so the papers before a bad line are handed out first."""
    path = write(tmp_path, "p.jsonl", JSONL + "not json\n")
    papers = read_papers([path])
    assert [p.title for p in (next(papers), next(papers))] == ["Title One", "Title Two"]
    with pytest.raises(InputError, match="p.jsonl:4:"):
        next(papers)


# ---------------------------------------------------------------- on_error="skip"

SKIPS = [
    ("p.jsonl", '{"title": "A", "abstract": "a"}\n{oops\n{"title": "B", "abstract": "b"}\n{"title": "C"}\n',
     ["A", "B"], ["p.jsonl:2:", "p.jsonl:4:"]),
    ("p.json", '[{"title": "A", "abstract": "a"}, 5, {"title": "B", "abstract": ""}, {"title": "C", "abstract": "c"}]',
     ["A", "C"], ["p.json: item 2:", "p.json: item 3:"]),
    ("p.csv", "title,abstract\nA,a\nB,b,extra\nC,c\n,d\n", ["A", "C"], ["p.csv:3:", "p.csv:5:"]),
    ("p.txt", f"Subscribe\nA\n{LONG}\n{LONG}\nB\n{LONG}\nLonely\n", ["A", "B"], ["p.txt:4:", "p.txt:7:"]),
    ("p.jsonl", '{"id": "1", "title": "A", "abstract": "a"}\n{"id": "1", "title": "B", "abstract": "b"}\n',
     ["A"], ["p.jsonl:2:"]),
]


@pytest.mark.parametrize(("name", "content", "titles", "skipped"), SKIPS)
def test_skip_reports_bad_records_and_reads_the_rest(tmp_path, name, content, titles, skipped):
    errors: list[InputError] = []
    papers = list(read_papers([write(tmp_path, name, content)], on_error="skip", on_skip=errors.append))
    assert [p.title for p in papers] == titles
    assert len(errors) == len(skipped)
    assert all(str(e).startswith(str(tmp_path / where)) for e, where in zip(errors, skipped))


@pytest.mark.parametrize(("name", "content"), [
    ("empty.jsonl", ""),
    ("bin.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ("cols.csv", "title,summary\nT,S\n"),
    ("obj.json", '{\n "title": "T", "abstract": "A"}'),
])
def test_skip_still_raises_for_file_level_problems(tmp_path, name, content):
    errors: list[InputError] = []
    with pytest.raises(InputError, match=re.escape(name)):
        list(read_papers([write(tmp_path, name, content)], on_error="skip", on_skip=errors.append))
    assert errors == []


def test_skip_without_a_callback_is_silent(tmp_path):
    assert len(list(read_papers([write(tmp_path, "p.jsonl", JSONL + "{oops\n")], on_error="skip"))) == 2


def test_on_error_must_be_fail_or_skip(tmp_path):
    with pytest.raises(ValueError):
        read_papers([write(tmp_path, "p.jsonl", JSONL)], on_error="ignore")


# ---------------------------------------------------------------- stdin


@pytest.mark.parametrize(("text", "input_format"), [(JSONL, None), ("\n  " + JSON, None), (LISTING, None), (CSV, "csv")])
def test_stdin_is_sniffed_or_told_its_format(monkeypatch, text, input_format):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert [p.title for p in read_papers(["-"], input_format=input_format)] == ["Title One", "Title Two"]


def test_stdin_errors_name_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"title": "T"}\n'))
    with pytest.raises(InputError, match=r'<stdin>:1: record has no "abstract"'):
        list(read_papers(["-"]))


def test_stdin_binary_is_rejected(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\x00\x00"))
    with pytest.raises(InputError, match="<stdin>: looks binary"):
        list(read_papers(["-"]))


# ---------------------------------------------------------------- ids and merging


def test_paper_id_is_stable():
    title, abstract = "Attention Is All You Need", "The dominant sequence transduction models are based on complex recurrent networks."
    assert paper_id(title, abstract) == "h368d588d18ce"
    assert paper_id(title, abstract) == "h" + hashlib.sha256(f"{title}\n{abstract}".encode()).hexdigest()[:12]
    assert paper_id(f"  {title}\n", abstract.replace(" ", "\n  ")) == "h368d588d18ce"
    assert paper_id("a b", "c") != paper_id("a", "b c")


@given(st.text(), st.text())
def test_paper_id_shape_and_whitespace_invariance(title, abstract):
    pid = paper_id(title, abstract)
    assert re.fullmatch(r"h[0-9a-f]{12}", pid)
    assert pid == paper_id(" " + "\t".join(title.split()) + "\n", "  ".join(abstract.split()))


@pytest.mark.parametrize(("first", "second", "expected"), [
    ('{"id": "p1", "title": "T", "abstract": "A"}', '{"id": "p1", "title": "T", "abstract": "A"}', [("p1", "T", "A")]),
    ('{"id": "p1", "title": "T", "abstract": "A"}', '{"id": "p2", "title": "T", "abstract": "A"}', [("p1", "T", "A")]),
    ('{"title": "T", "abstract": "A"}', '{"id": "p9", "title": " T", "abstract": "A"}', [(paper_id("T", "A"), "T", "A")]),
    ('{"title": "T", "abstract": "A b"}', '{"title": "T", "abstract": "A\\n  b"}', [(paper_id("T", "A b"), "T", "A b")]),
    ('{"id": "p1", "title": "T", "abstract": "A"}', '{"id": "p2", "title": "U", "abstract": "B"}',
     [("p1", "T", "A"), ("p2", "U", "B")]),
])
def test_duplicates_across_inputs_are_yielded_once_first_wins(tmp_path, first, second, expected):
    paths = [write(tmp_path, "a.jsonl", first), write(tmp_path, "b.jsonl", second)]
    assert triples(list(read_papers(paths))) == expected


def test_same_id_with_other_content_names_both_places(tmp_path):
    a = write(tmp_path, "a.jsonl", '{"id": "p1", "title": "T", "abstract": "A"}')
    b = write(tmp_path, "b.csv", "id,title,abstract\np1,U,B\n")
    with pytest.raises(InputError) as raised:
        list(read_papers([a, b]))
    message = str(raised.value)
    assert f"{b}:2:" in message and f"{a}:1" in message and '"p1"' in message and "its own id" in message


def test_listing_and_jsonl_copies_of_a_paper_merge(tmp_path):
    page = write(tmp_path, "page.txt", "Subscribe\nTitle Two\nAbstract two.\n")
    papers = list(read_papers([page, write(tmp_path, "p.jsonl", JSONL)]))
    assert triples(papers) == [(H_TWO, *TWO), ("a1", *ONE)]


# ---------------------------------------------------------------- bundled sample


def test_read_sample_is_the_bundled_corpus():
    papers = list(read_sample())
    assert len(papers) == len({p.id for p in papers}) == 176
    assert papers[0].id == "p000" and papers[0].title.startswith("CodeT5")


# ---------------------------------------------------------------- inputs people have (issue items 4-7)

KAGGLE = (  # the Kaggle arXiv snapshot: a .json file holding one object per line, with more keys than ours
    '{"id": "0704.0001", "submitter": "P. B.", "title": "Calculation of prompt diphoton production cross sections at Tevatron and\\n  LHC energies", "abstract": "  A fully differential calculation in perturbative QCD is presented.\\n", "versions": []}\n'
    '{"id": "0704.0002", "submitter": "L. S.", "title": "Sparsity-certifying Graph Decompositions", "abstract": "  We describe a new algorithm.\\n", "versions": []}\n'
)


@pytest.mark.parametrize(("name", "content", "input_format", "ids"), [
    ("arxiv-metadata-oai-snapshot.json", KAGGLE, None, ["0704.0001", "0704.0002"]),  # item 4: sniffed, not by extension
    ("snapshot.json", "\n" + KAGGLE, None, ["0704.0001", "0704.0002"]),
    ("snapshot.json", KAGGLE.split("\n")[0], None, ["0704.0001"]),  # one line is one record
    ("snapshot.data", KAGGLE, "jsonl", ["0704.0001", "0704.0002"]),
    ("wrapped.json", json.dumps({"meta": {"count": 2}, "results": [{"id": "W1", "title": "T", "abstract": "A"}]}), None, ["W1"]),
])
def test_json_lines_are_told_from_content(tmp_path, name, content, input_format, ids):
    papers = list(read_papers([write(tmp_path, name, content)], input_format=input_format))
    assert [p.id for p in papers] == ids
    assert "\n  LHC" in papers[0].title or len(papers) == 1 or papers[0].id == "W1"  # titles only stripped


FLAG_HINTS = [  # item 4: an error that a flag fixes names the flag
    ("p.json", KAGGLE, "json", {}, ["p.json:2:", "Extra data", "pass --input-format jsonl"]),
    ("p.jsonl", '[{"title": "T", "abstract": "A"}]\n', None, {}, ["p.jsonl:1:", "got an array", "--input-format json"]),
    ("p.jsonl", '{"title": "T", "abstract": "A"}\nnot json\n', None, {}, ["p.jsonl:2:", "--on-error skip"]),
    ("p.jsonl", '{"title": "T", "summary": "S"}\n', None, {}, ["p.jsonl:1:", 'no "abstract"', "--field abstract=summary"]),
    ("p.jsonl", '{"title": "T", "blurb": "S"}\n', None, {}, ["p.jsonl:1:", "--field abstract=KEY"]),
    ("p.jsonl", '{"title": "T", "abstract": "A"}\n', None, {"abstract": "summary"}, ['no "summary" (--field abstract=summary)']),
    ("p.csv", "title;summary\nT;S\n", None, {}, ["p.csv:1:", "--field abstract=summary", "--csv-delimiter"]),
    ("p.txt", "Title\nAbstract text.\n", None, {"abstract": "x"}, ["--field applies to JSON"]),
]


@pytest.mark.parametrize(("name", "content", "input_format", "fields", "fragments"), FLAG_HINTS)
def test_errors_a_flag_fixes_name_the_flag(tmp_path, name, content, input_format, fields, fragments):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as raised:
        list(read_papers([path], input_format=input_format, fields=fields))
    assert all(f in str(raised.value) for f in fragments), str(raised.value)


@pytest.mark.parametrize(("name", "content", "delimiter", "titles"), [  # item 5
    ("excel.csv", 'id;title;abstract\na1;Title One;"Abstract; with a semicolon"\na2;Title Two;Abstract two.\n', None,
     ["Title One", "Title Two"]),
    ("tabs.tsv", "title\tabstract\nTitle One\tAbstract, with a comma.\n", None, ["Title One"]),
    ("pipes.csv", "title|abstract\nTitle One|Abstract one.\n", "|", ["Title One"]),
    ("commas.csv", 'title,abstract\nTitle One,"Abstract; one."\n', None, ["Title One"]),
])
def test_csv_separator_is_sniffed_or_given(tmp_path, name, content, delimiter, titles):
    papers = list(read_papers([write(tmp_path, name, content)], csv_delimiter=delimiter))
    assert [p.title for p in papers] == titles
    assert papers[0].abstract.startswith("Abstract")


@pytest.mark.parametrize(("content", "fragments"), [  # item 5: which line, and the command that converts
    (b"title,abstract\nT,ok\nU,na\xefve\n", ["bad.csv:3:", "byte 0xef at column 5", "Latin-1", "iconv -f latin1 -t utf-8"]),
    (b"title,abstract\nT,\x93quoted\x94\n", ["bad.csv:2:", "Windows-1252", "iconv -f cp1252 -t utf-8"]),
    ("title,abstract\nT,A\n".encode("utf-16"), ["bad.csv:", "UTF-16", "iconv -f utf-16 -t utf-8"]),
])
def test_non_utf8_names_the_line_and_the_conversion(tmp_path, content, fragments):
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(InputError) as raised:
        list(read_papers([path]))
    message = str(raised.value)
    assert "binary" not in message and all(f in message for f in fragments), message


def test_stdin_non_utf8_names_the_line(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"title": "T", "abstract": "caf\xe9"}\n')))
    with pytest.raises(InputError, match=r"<stdin>:1: not UTF-8 .* iconv -f latin1 -t utf-8 FILE \| extractor extract -"):
        list(read_papers(["-"]))


LISTING_REFUSALS = [  # item 6: --input-format listing never turns XML or JSON into papers
    ("feed.xml", (FIXTURES / "arxiv_api.xml").read_text(), ["feed.xml:1:", "this is XML", "--input-format atom"]),
    ("p.jsonl", JSONL, ["p.jsonl:1:", "this is JSON", "--input-format jsonl"]),
    ("p.json", "\n\n" + JSON, ["p.json:3:", "this is JSON", "--input-format json"]),
    ("p.txt", 'id: 1\n"title": "T",\n"abstract": "A",\nnext\n"abstract": "B",\n',
     ["p.txt:1:", "no abstract-like paragraph", "--input-format"]),
    ("p.txt", "id,title,abstract\n1,T,A\n", ["p.txt:1:", "no abstract-like paragraph"]),
]


@pytest.mark.parametrize(("name", "content", "fragments"), LISTING_REFUSALS)
def test_listing_refuses_structured_text(tmp_path, name, content, fragments):
    path = write(tmp_path, name, content)
    for on_error in ("fail", "skip"):
        with pytest.raises(InputError) as raised:
            list(read_papers([path], input_format="listing", on_error=on_error))
        assert all(f in str(raised.value) for f in fragments), str(raised.value)


def test_listing_skips_an_entry_whose_body_is_markup(tmp_path):
    page = write(tmp_path, "p.txt", 'Title One\nAbstract one.\nTitle Two\n"abstract": "leaked json",\n')
    errors: list[InputError] = []
    assert [p.title for p in read_papers([page], on_error="skip", on_skip=errors.append)] == ["Title One"]
    assert len(errors) == 1 and "p.txt:3:" in str(errors[0]) and "does not read like an abstract" in str(errors[0])


def test_arxiv_api_atom_feed():
    """item 6: the arXiv API's Atom answer; wrapped titles joined, summaries verbatim, abs URLs become arXiv ids."""
    papers = list(read_papers([FIXTURES / "arxiv_api.xml"]))
    assert [(p.id, p.title) for p in papers] == [
        ("2401.00001v2", "TinySpec: Speculative Decoding with a Ten-Million-Parameter Drafter"),
        ("hep-th/9901001v1", "Old-Style Identifiers"),
    ]
    assert papers[0].abstract == ("  We present TinySpec, a drafter for speculative decoding that runs 2.5x faster\n"
                                  "than autoregressive decoding & keeps the output distribution unchanged.\n")


@pytest.mark.parametrize(("content", "fragments"), [
    ('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>T</title>\n</feed>', ["feed.xml:3:", "not valid XML", "column"]),
    ("<papers><paper/></papers>", ["feed.xml:", "no Atom <entry>", "root element is <papers>", "JSON Lines"]),
    ('<feed xmlns="http://www.w3.org/2005/Atom">\n  <entry><title>T</title></entry>\n</feed>',
     ["feed.xml:2:", 'entry "T" has no <summary>', "--on-error skip"]),
])
def test_atom_errors(tmp_path, content, fragments):
    with pytest.raises(InputError) as raised:
        list(read_papers([write(tmp_path, "feed.xml", content)]))
    assert all(f in str(raised.value) for f in fragments), str(raised.value)


OPENALEX = {"id": "https://openalex.org/W2741809807", "display_name": "The state of OA", "title": "The state of OA",
            "abstract_inverted_index": {"Despite": [0], "growing": [1], "interest": [2], "in": [3, 7], "Open": [4],
                                        "Access": [5], "(OA)": [6], "2017.": [8]}}


@pytest.mark.parametrize(("name", "content", "fields", "expected"), [  # item 7
    ("p.jsonl", '{"paper_id": "x1", "name": "T", "summary": "S s."}\n', {"abstract": "summary", "title": "name", "id": "paper_id"},
     [("x1", "T", "S s.")]),
    ("p.json", '[{"Title": "T", "Summary": "S s."}]', {"abstract": "Summary", "title": "Title"}, [(paper_id("T", "S s."), "T", "S s.")]),
    ("p.csv", "Paper Title;Abstract Text;ArXiv\nT;S s.;2401.1\n", {"title": "paper title", "abstract": "Abstract Text", "id": "arxiv"},
     [("2401.1", "T", "S s.")]),
    ("openalex.jsonl", json.dumps(OPENALEX) + "\n", {},
     [("W2741809807", "The state of OA", "Despite growing interest in Open Access (OA) in 2017.")]),
    ("openalex.json", json.dumps({"meta": {}, "results": [OPENALEX]}), {"title": "display_name", "abstract": "abstract_inverted_index"},
     [("W2741809807", "The state of OA", "Despite growing interest in Open Access (OA) in 2017.")]),
])
def test_field_mapping_and_openalex(tmp_path, name, content, fields, expected):
    assert triples(list(read_papers([write(tmp_path, name, content)], fields=fields))) == expected


@pytest.mark.parametrize(("record", "fragments"), [
    ({**OPENALEX, "abstract_inverted_index": None}, ['"abstract_inverted_index" is null', "--on-error skip"]),
    ({**OPENALEX, "abstract_inverted_index": {"a": "b"}}, ["not an inverted index"]),
])
def test_openalex_without_an_abstract(tmp_path, record, fragments):
    with pytest.raises(InputError) as raised:
        list(read_papers([write(tmp_path, "w.jsonl", json.dumps(record) + "\n")]))
    assert all(f in str(raised.value) for f in fragments), str(raised.value)


@pytest.mark.parametrize(("fields", "delimiter", "match"), [
    ({"summary": "abstract"}, None, 'cannot map "summary"'),
    ({}, ";;", "one character"),
])
def test_bad_layout_options(tmp_path, fields, delimiter, match):
    with pytest.raises(InputError, match=match):
        read_papers([write(tmp_path, "p.csv", CSV)], fields=fields, csv_delimiter=delimiter)
