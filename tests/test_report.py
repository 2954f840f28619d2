"""report.py renders rows for people (rich) and for pipes (json / jsonl / csv)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from extractor.evaluate import LabelDiff, PaperDiff, TaskDiff, ValueDiff
from extractor.report import (
    FORMATS,
    compact_number,
    diff_text,
    format_value,
    mark_evidence,
    paper_view,
    render,
    score_table,
    speedup_table,
)

COLUMNS = ["paper_id", "title", "value", "count", "code_url"]
ROWS = [
    ("p008", "mmMamba [linear]", 20.6, 3, "https://github.com/hustvl/mmMamba"),
    ("p124", "AERO, private inference", 4.23, 0, None),
]
SPEED_COLUMNS = ["paper_id", "title", "method", "metric", "value", "value_max", "bound", "unit", "direction"]
SPEED_ROWS = [
    ("p128", "PIM-GPT: A Hybrid Accelerator", "PIM-GPT", "speed", 41.0, 137.0, "exact", "x", "increase"),
    ("p044", "FineQuant: Unlocking Efficiency with Fine-Grained Weight-Only Quantization", None, "throughput", 3.65, None, "up-to", "x", "increase"),
    ("p032", "Causal2Vec", "ReMoE", "inference time", 82.0, None, "up-to", "%", "decrease"),
]


def shown(renderable: RenderableType) -> str:
    console = Console(record=True, width=120, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_formats_are_the_cli_choices() -> None:
    assert FORMATS == ("table", "json", "jsonl", "csv")


def test_table_shows_compact_values_and_dim_dash_for_none() -> None:
    table = render(COLUMNS, ROWS, "table", title="Papers")
    assert isinstance(table, Table)
    text = shown(table)
    assert "Papers" in text
    assert "20.6" in text and "20.600000" not in text and "4.23" in text
    assert "mmMamba [linear]" in text  # brackets are text, not markup
    assert "–" in text and "None" not in text
    assert "https://github.com/hustvl/mmMamba" in text.replace("\n", "").replace("│", "").replace(" ", "")
    dash = list(next(c for c in table.columns if c.header == "code_url").cells)[1]
    assert isinstance(dash, Text) and dash.style == "dim"


def test_numeric_columns_are_right_aligned() -> None:
    table = render(COLUMNS, ROWS, "table")
    assert isinstance(table, Table)
    assert [c.justify for c in table.columns] == ["left", "left", "right", "right", "left"]


def test_json_parses_back_to_the_rows() -> None:
    out = render(COLUMNS, ROWS, "json")
    assert isinstance(out, str)
    assert [tuple(r[c] for c in COLUMNS) for r in json.loads(out)] == ROWS


def test_jsonl_is_one_object_a_line() -> None:
    out = render(COLUMNS, ROWS, "jsonl")
    assert isinstance(out, str)
    lines = out.split("\n")
    assert len(lines) == len(ROWS)
    assert [tuple(json.loads(line).values()) for line in lines] == ROWS


def test_csv_parses_back_with_none_as_empty() -> None:
    out = render(COLUMNS, ROWS, "csv")
    assert isinstance(out, str)
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert header == COLUMNS
    assert rows == [[str(v) if v is not None else "" for v in row] for row in ROWS]
    assert rows[0][1] == "mmMamba [linear]" and rows[1][1] == "AERO, private inference"


def test_empty_rows() -> None:
    assert render(COLUMNS, [], "json") == "[]"
    assert render(COLUMNS, [], "jsonl") == ""
    assert render(COLUMNS, [], "csv") == ",".join(COLUMNS)
    assert "paper_id" in shown(render(COLUMNS, [], "table"))


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="choose one of table, json, jsonl, csv"):
        render(COLUMNS, ROWS, "xml")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(20.6, "20.6"), (3.0, "3"), (137.0, "137"), (0.8333333, "0.8333"), (12345.678, "12345.68"), (1e-5, "1e-05")],
)
def test_compact_number(value: float, expected: str) -> None:
    assert compact_number(value) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((3.65, None, "x", "up-to"), "≤3.65×"),
        ((41.0, 137.0, "x", "exact"), "41–137×"),
        ((2.0, None, "x", "about"), "~2×"),
        ((75.0, None, "%", "at-least"), "≥75%"),
        ((0.6, None, "abs", "about"), "~0.6"),
        ((33.3, 66.7, "%", "exact"), "33.3–66.7%"),
        ((5.0, 5.0, "x", "exact"), "5×"),
    ],
)
def test_format_value(args: tuple, expected: str) -> None:
    assert format_value(*args) == expected


def test_speedup_table_folds_value_bound_and_range() -> None:
    table = speedup_table(SPEED_COLUMNS, SPEED_ROWS)
    text = shown(table)
    assert "Reported speed-ups" in text
    assert "41–137×" in text and "≤3.65×" in text and "≤82%" in text
    headers = [c.header for c in table.columns]
    # a column per unit (issue item 9): a percentage is not a factor; title and direction stay in json/csv
    assert headers == ["paper_id", "method", "metric", "speed-up ×", "faster by %"]
    assert "FineQuant" not in text and "…" not in text  # no coined name: nothing, not a cut-off title
    assert "--min-value filters ×" in text
    cells = {c.header: list(c.cells) for c in table.columns}
    assert [str(c) for c in cells["speed-up ×"]] == ["41–137×", "≤3.65×", ""]
    assert [str(c) for c in cells["faster by %"]] == ["", "", "≤82%"]
    assert [str(c) for c in cells["method"]] == ["PIM-GPT", "", "ReMoE"]


def test_speedup_table_adds_an_amount_column_only_when_needed() -> None:
    rows = [*SPEED_ROWS, ("p001", "T", None, "latency", 30.0, None, "exact", "abs", "decrease")]
    assert [c.header for c in speedup_table(SPEED_COLUMNS, rows).columns][-1] == "amount"
    only_ratios = [r for r in SPEED_ROWS if r[7] == "x"]
    assert [c.header for c in speedup_table(SPEED_COLUMNS, only_ratios).columns][-1] == "speed-up ×"


def test_mark_evidence_highlights_spans() -> None:
    abstract = "We get 20.6times speedup and 75.8% less memory."
    spans = [(7, 24), (29, 46), (40, 999)]
    text = mark_evidence(abstract, spans)
    assert text.plain == abstract
    marked = sorted((s.start, s.end) for s in text.spans if s.style == "bold reverse")
    assert marked == [(7, 24), (29, 46), (40, len(abstract))]
    console = Console(record=True, width=120, force_terminal=True, color_system="standard")
    console.print(text)
    assert "\x1b[1;7m20.6times speedup\x1b[0m" in console.export_text(styles=True)


def test_score_table_with_targets() -> None:
    metrics = {"papers": 60, "claims_f1": 0.7123, "domain_acc": 0.4, "overall": 0.61}
    text = shown(score_table(metrics, {"claims_f1": 0.7, "domain_acc": 0.5}))
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") > 2}
    assert "0.712" in lines["claims_f1"] and "0.700" in lines["claims_f1"] and "✓" in lines["claims_f1"]
    assert "✗" in lines["domain_acc"]
    assert "60" in lines["papers"] and "✓" not in lines["papers"] and "✗" not in lines["papers"]


def test_score_table_without_targets() -> None:
    table = score_table({"claims_f1": 1.0})
    assert [c.header for c in table.columns] == ["metric", "value"]
    assert "1.000" in shown(table)


def test_diff_text() -> None:
    gold_claim = {"metric": "speed", "kind": "speedup", "value": 41.0, "value_max": 137.0, "unit": "x",
                  "direction": "increase", "bound": "exact", "evidence": "41-137times speedup"}
    diffs = [
        PaperDiff(
            "p128",
            task=TaskDiff("pim", "processing in memory", "processing in memory", 0.5),
            domain=ValueDiff("vision", "language"),
            introduced_missed=("PIM-GPT",),
            introduced_invented=("GPT-3",),
            claims_missed=({**gold_claim, "value": 631.0, "value_max": 1074.0},),
            claims_invented=({"metric": "energy", "kind": "improvement", "value": 2, "unit": "x",
                              "direction": "increase", "bound": "about", "evidence": ""},),
            claims_mislabeled=(LabelDiff({**gold_claim, "bound": "up-to"}, gold_claim, ("bound",)),),
        ),
        PaperDiff("p003", missing=True, code_url=ValueDiff(None, "https://github.com/a/b")),
    ]
    text = shown(diff_text(diffs))
    assert "p128" in text and "'pim' vs gold 'processing in memory' (F1 0.50, ok)" in text
    assert "domain: 'vision' vs gold 'language'" in text
    assert "introduced missed: PIM-GPT" in text and "introduced invented: GPT-3" in text
    assert 'missed: 631–1074× speedup increase · speed — "41-137times speedup"' in text
    assert "invented: ~2× improvement increase · energy" in text
    assert "wrong label: bound up-to ≠ exact · 41–137× speedup" in text
    assert "p003  no prediction" in text and "code_url: None vs gold 'https://github.com/a/b'" in text


def test_diff_text_when_all_match() -> None:
    assert "No differences" in shown(diff_text([]))


def test_summary_groups_failures_by_reason_and_counts_papers_not_tried():
    from extractor.report import summary_lines
    from extractor.run import RunSummary

    down = "The server at http://127.0.0.1:1/v1 is unreachable"
    summary = RunSummary(1, "key", total=20, skipped=3, done=4, status="failed",
                         failed={f"p{i}": down for i in range(5)} | {"p9": "answer did not validate"})
    lines = summary_lines(summary, 0, "x.duckdb")
    assert lines[0].startswith("4 extracted, 3 already done, 6 failed, 0 input records skipped")
    assert lines[1:3] == [f"[red]failed[/] p0, p1, p2, p3, p4: {down}", "[red]failed[/] p9: answer did not validate"]
    assert "Stopped early" in lines[3] and "7 papers were not tried" in lines[3]
    assert lines[4] == "Every finished paper is stored; the next run of the same command does the rest."
    assert summary_lines(RunSummary(2, "key", total=3, done=3), 0, "x.duckdb")[1:] == []  # a clean run: one line


def test_summary_says_what_the_problems_are_and_how_to_list_them():
    from extractor.report import summary_lines
    from extractor.run import RunSummary

    summary = RunSummary(1, "key", total=50, done=50, problems=47,
                         problems_by_rule={"evidence-missing-number": 2, "model-disagrees": 45})
    lines = summary_lines(summary, 0, "x.duckdb")
    assert "47 validation problems" in lines[0]
    assert lines[1] == ("[yellow]47 problems[/]: 45 model-disagrees, 2 evidence-missing-number; see "
                        "`extractor validate --rule model-disagrees --rule evidence-missing-number --db x.duckdb`")
    default = summary_lines(RunSummary(1, "key", total=1, done=1, problems=1, problems_by_rule={"task-too-long": 1}),
                            0, "outputs/extractor.duckdb")
    assert default[1] == "[yellow]1 problem[/]: 1 task-too-long; see `extractor validate --rule task-too-long`"


def _view_paper():
    from extractor.schema import Claim, Extraction, Paper

    abstract = ("We present FastNet, a decoder-only model for long documents. " * 6) + "It runs 20.6times faster at the end."
    evidence = "20.6times faster"
    start = abstract.index(evidence)
    claim = Claim(metric="inference speed", kind="speedup", value=20.6, unit="x", direction="increase", bound="exact",
                  evidence=evidence, evidence_start=start, evidence_end=start + len(evidence))
    extraction = Extraction(task="long document modeling", domain="language", architecture="decoder-only",
                            introduced=[], claims=[claim], code_url=None)
    return Paper(id="p1", title="FastNet", abstract=abstract), extraction


def test_paper_view_wraps_the_abstract_and_says_none() -> None:
    """issue item 8: the whole abstract, wrapped to the width; a missing code URL reads "none"."""
    paper, extraction = _view_paper()
    console = Console(record=True, width=80, color_system=None, soft_wrap=True)  # soft_wrap, as the CLI's stdout
    console.print(paper_view(paper, extraction, []), soft_wrap=False)
    text = console.export_text()
    assert "code_url: none" in text and "introduced: none" in text and "None" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    panel = [line.strip("│ ") for line in lines[top + 1:] if line.startswith("│")]
    assert " ".join(" ".join(panel).split()) == " ".join(paper.abstract.split())  # every word, none cut off
    assert len(panel) > 4


def test_paper_view_of_a_paper_not_extracted() -> None:
    paper, _ = _view_paper()
    assert "Not extracted yet" in shown(paper_view(paper, None))
