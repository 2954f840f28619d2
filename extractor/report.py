"""Rows -> output: rich tables for people, JSON / JSONL / CSV for pipes. Builds values; the CLI prints them."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from extractor.evaluate import HEADLINE, PaperDiff

if TYPE_CHECKING:
    from extractor.run import RunSummary
    from extractor.schema import Extraction, Paper
    from extractor.validate import Problem

FORMATS = ("table", "json", "jsonl", "csv")
BOUND_SIGNS = {"exact": "", "up-to": "≤", "at-least": "≥", "about": "~"}
UNIT_SIGNS = {"x": "×", "%": "%", "abs": ""}


def render(columns: list[str], rows: Sequence[tuple], fmt: str, title: str | None = None) -> str | Table:
    """One result set in the format asked for: a rich Table for `table`, text for the others."""
    if fmt == "table":
        return _table(columns, rows, title)
    records = [dict(zip(columns, row)) for row in rows]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2, default=str)
    if fmt == "jsonl":
        return "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in records)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)  # the csv module writes None as an empty field
        return out.getvalue().rstrip("\n")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def records_text(records: Sequence[dict], fmt: str) -> str:
    """Whole records (export): JSON keeps the nesting; CSV puts lists into JSON-encoded cells."""
    if fmt == "json":
        return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    columns = list(records[0]) if records else ["id"]
    rows = [tuple(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for v in r.values()) for r in records]
    return str(render(columns, rows, "csv")) + "\n"


def compact_number(value: float) -> str:
    """Floats as people write them: 20.6 not 20.600000, 3 not 3.0, four significant digits for fractions."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    digits = max(4, len(str(int(abs(value)))) + 2)  # never round away the integer part
    return f"{value:.{digits}g}"


def _cell(value: Any) -> Text:
    # Text, not str: a "[...]" in an abstract must not be read as rich markup.
    if value is None:
        return Text("–", style="dim")
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, float):
        return Text(compact_number(value))
    if isinstance(value, (list, tuple)):
        return Text(", ".join(str(v) for v in value))
    if isinstance(value, Text):
        return value
    return Text(str(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _table(columns: list[str], rows: Sequence[tuple], title: str | None) -> Table:
    table = Table(title=title, header_style="bold")
    for index, name in enumerate(columns):
        values = [row[index] for row in rows if row[index] is not None]
        numeric = bool(values) and all(_is_number(v) for v in values)
        # fold: a long URL or name breaks inside the cell instead of being cut off
        table.add_column(name, justify="right" if numeric else "left", overflow="fold", no_wrap=numeric)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def format_value(value: float, value_max: float | None, unit: str, bound: str) -> str:
    """A claim's number as one would write it: "≤3.65×", "41–137×", "~2×", "≥75%"."""
    number = compact_number(value)
    if value_max is not None and value_max != value:
        number = f"{number}–{compact_number(value_max)}"
    return f"{BOUND_SIGNS.get(bound, '')}{number}{UNIT_SIGNS.get(unit, '')}"


# One column per unit: a percentage says how much faster, a ratio how many times; they do not sort together.
_UNIT_COLUMNS = (("x", "speed-up ×"), ("%", "faster by %"), ("abs", "amount"))


def speedup_table(columns: list[str], rows: Sequence[tuple]) -> Table:
    """The speed-up comparison: a value column per unit (× ratios, % faster, absolute amounts) with range and
    bound folded in; the method is the paper's coined name, or blank."""
    folded = {"value", "value_max", "unit", "bound", "title", "direction"}  # in the value cells, or in --format json/csv
    at = {name: i for i, name in enumerate(columns)}

    def get(row: tuple, name: str, default: Any = None) -> Any:
        return row[at[name]] if name in at and row[at[name]] is not None else default

    units = {get(row, "unit", "x") for row in rows}
    shown_units = [(u, header) for u, header in _UNIT_COLUMNS if u == "x" or u in units]
    table = Table(title="Reported speed-ups", header_style="bold",
                  caption="× is how many times as fast; % is how much faster, not a factor. "
                          "--min-value filters ×, --min-percent filters %.")
    kept = [name for name in columns if name not in folded]
    for name in kept:
        if name in {"paper_id", "architecture"}:
            table.add_column(name, no_wrap=True)
        else:
            table.add_column(name, overflow="fold", ratio=1)
        if name == "metric" or (name == kept[-1] and "metric" not in kept):
            for _, header in shown_units:
                table.add_column(header, justify="right", style="bold green", no_wrap=True)
    for row in rows:
        cells: list[Text] = []
        unit, bound = get(row, "unit", "x"), get(row, "bound", "exact")
        value = format_value(get(row, "value"), get(row, "value_max"), unit, bound) if get(row, "value") is not None else ""
        for name in kept:
            if name == "method":
                cells.append(Text(str(get(row, "method", ""))))  # a coined name or nothing: never a cut title
            else:
                cells.append(_cell(get(row, name)))
            if name == "metric" or (name == kept[-1] and "metric" not in kept):
                cells += [Text(value if u == unit else "") for u, _ in shown_units]
        table.add_row(*cells)
    return table


def mark_evidence(abstract: str, spans: Iterable[tuple[int, int]]) -> Text:
    """The abstract with each claim's evidence highlighted, so a reader can check the grounding at a glance."""
    text = Text(abstract)
    for start, end in spans:
        start, end = max(0, start), min(len(abstract), end)
        if start < end:
            text.stylize("bold reverse", start, end)
    return text


def paper_view(paper: Paper, extraction: Extraction | None, problems: Sequence[Problem] = ()) -> Group:
    """`extractor show`: fields (a missing one reads "none"), claims, the whole abstract wrapped with evidence marked."""
    parts: list[Any] = [Text.assemble((paper.title, "bold"), f"  ({paper.id})")]
    if extraction is None:
        parts.append(Text("Not extracted yet: run `extractor extract`."))
        return Group(*parts)
    for name in ("task", "domain", "architecture", "code_url"):
        parts.append(_field_line(name, getattr(extraction, name)))
    parts.append(_field_line("introduced", ", ".join(extraction.introduced)))
    rows = [(i + 1, c.kind, format_value(c.value, c.value_max, c.unit, c.bound), c.direction, c.metric, c.baseline, c.evidence)
            for i, c in enumerate(extraction.claims)]
    if rows:
        parts.append(render(["#", "kind", "value", "direction", "metric", "baseline", "evidence"], rows, "table", title="Claims"))
    else:
        parts.append(_field_line("claims", ""))
    spans = [(c.evidence_start, c.evidence_end) for c in extraction.claims if c.evidence_start is not None]
    parts.append(Panel(mark_evidence(paper.abstract, spans), title="Abstract (evidence marked)"))
    for p in problems:
        parts.append(Text.assemble(("problem", "yellow"), f" {p.rule} {p.field}: {p.message}"))
    return Group(*parts)


def _field_line(name: str, value: str | None) -> Text:
    shown = Text(value) if value else Text("none", style="dim italic")
    return Text.assemble((f"{name}: ", "dim"), shown)


def score_table(metrics: dict[str, float | int], targets: dict[str, float] | None = None) -> Table:
    """One row per metric; headline metrics in bold; with targets, a ✓ / ✗ per targeted metric."""
    table = Table(title="Scores", header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    if targets:
        table.add_column("target", justify="right")
        table.add_column("", justify="center")
    for name, value in metrics.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        style = "bold" if name in HEADLINE or name == "overall" else ""
        cells = [Text(name, style=style), Text(shown, style=style)]
        if targets:
            target = targets.get(name)
            if target is None:
                cells += [Text(""), Text("")]
            else:
                ok = value >= target
                cells += [Text(f"{target:.3f}"), Text("✓", style="green") if ok else Text("✗", style="bold red")]
        table.add_row(*cells)
    return table


def _claim_line(c: dict) -> str:
    value = _float_or_none(c.get("value"))
    if value is None:
        number = repr(c.get("value"))
    else:
        number = format_value(value, _float_or_none(c.get("value_max")), str(c.get("unit")), str(c.get("bound")))
    evidence = c.get("evidence") or ""
    line = f"{number} {c.get('kind')} {c.get('direction')} · {c.get('metric')}"
    return f'{line} — "{evidence}"' if evidence else line


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _paper_diff(d: PaperDiff) -> Text:
    text = Text()
    text.append(d.paper_id, style="bold")
    if d.missing:
        text.append("  no prediction", style="bold red")
    lines: list[tuple[str, str, str]] = []  # (label, body, style)
    if d.task:
        mark = "ok" if d.task.passed else "miss"
        closest = f", closest {d.task.best!r}" if d.task.best != d.task.gold else ""
        lines.append(("task", f"{d.task.pred!r} vs gold {d.task.gold!r}{closest} (F1 {d.task.f1:.2f}, {mark})", ""))
    for name in ("domain", "architecture", "code_url"):
        diff = getattr(d, name)
        if diff:
            lines.append((name, f"{diff.pred!r} vs gold {diff.gold!r}", ""))
    if d.introduced_missed:
        lines.append(("introduced missed", ", ".join(d.introduced_missed), "yellow"))
    if d.introduced_invented:
        lines.append(("introduced invented", ", ".join(d.introduced_invented), "red"))
    lines += [("missed", _claim_line(c), "yellow") for c in d.claims_missed]
    lines += [("invented", _claim_line(c), "red") for c in d.claims_invented]
    for pair in d.claims_mislabeled:
        wrong = ", ".join(f"{f} {pair.pred.get(f)} ≠ {pair.gold[f]}" for f in pair.fields)
        lines.append(("wrong label", f"{wrong} · {_claim_line(pair.gold)}", "magenta"))
    for label, body, style in lines:
        text.append("\n  ")
        text.append(f"{label}: ", style=f"bold {style}".strip())
        text.append(body)
    return text


def diff_text(diffs: Sequence[PaperDiff]) -> Group | Text:
    """`extractor eval --explain`: per paper, what the prediction got wrong against gold."""
    if not diffs:
        return Text("No differences from gold.", style="green")
    return Group(*(_paper_diff(d) for d in diffs))


def summary_lines(summary: RunSummary, skipped: int, db: str) -> list[str]:
    """The end of an extract run, in rich markup: counts, failures grouped by reason, what is left."""
    rate = summary.done / summary.seconds * 60 if summary.seconds else 0.0
    lines = [
        f"{summary.done} extracted, {summary.skipped} already done, {len(summary.failed)} failed, "
        f"{skipped} input records skipped, {summary.problems} validation problems "
        f"({summary.seconds:.1f}s, {rate:.0f} papers/min) -> {db}"
    ]
    if summary.changed:
        were = "paper was" if summary.changed == 1 else "papers were"
        lines.append(f"{summary.changed} {were} stored with another title or abstract: extracted again, "
                     "the stored text replaced")
    if summary.problems:
        lines.append(problems_line(summary.problems_by_rule, db))
    by_reason: dict[str, list[str]] = {}
    for paper_id, reason in summary.failed.items():
        by_reason.setdefault(reason, []).append(paper_id)
    for reason, ids in list(by_reason.items())[:10]:
        shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
        lines.append(f"[red]failed[/] {shown}: {reason}")
    untried = summary.total - summary.skipped - summary.done - len(summary.failed)
    if summary.status == "failed" and untried:
        lines.append(f"[red]Stopped early[/]: the last papers failed one after another, so the backend looks down; "
                     f"{untried} papers were not tried.")
    if summary.failed or untried:
        lines.append("Every finished paper is stored; the next run of the same command does the rest.")
    return lines


def problems_line(by_rule: dict[str, int], db: str) -> str:
    """What the run's problems are, most frequent rule first, and the command that lists them."""
    from extractor.store import DEFAULT_DB

    ranked = sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))
    total = sum(by_rule.values())
    counts = ", ".join(f"{n} {rule}" for rule, n in ranked)
    where = "" if db == DEFAULT_DB else f" --db {db}"
    rules = " ".join(f"--rule {rule}" for rule, _ in ranked[:3])
    noun = "problem" if total == 1 else "problems"
    return f"[yellow]{total} {noun}[/]: {counts}; see `extractor validate {rules}{where}`"
