"""The commands that read a database: sql, speedups, show, validate, export, eval.

Registered on `cli` at the end of cli.py; they share its options, error handling and output helpers.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from extractor.cli import _open_store, _parse_ids, _print_rows, _stderr, _stdout, db_option, format_option, handle_errors
from extractor.errors import ExtractorError, InputError


@click.command()
@click.argument("query")
@format_option
@db_option
@handle_errors
def sql(query: str, fmt: str, db: str) -> None:
    """Run a SQL QUERY against the database.

    Tables: papers, runs, extractions, claims, introduced, problems, reviews; the views
    reviewed_extractions and reviewed_claims apply the reviews made in `extractor serve`.

    \b
    Example:
        extractor sql "select kind, count(*) from claims group by kind"
    """
    with _open_store(db, read_only=True) as store:
        columns, rows = store.query(query)
    _print_rows(columns, rows, fmt)


@click.command()
@click.option("--task", help="Only papers whose task contains this text.")
@click.option("--architecture", help="Only this architecture family, e.g. decoder-only.")
@click.option("--min-value", type=float, metavar="X", help="Only speed-up ratios (×) of at least X; percentages are left out (they are not factors) unless --min-percent is given too.")
@click.option("--min-percent", type=float, metavar="P", help="Only speed-ups stated in percent of at least P% (e.g. 30 for 30% faster); ratios are left out unless --min-value is given too.")
@format_option
@db_option
@handle_errors
def speedups(task: str | None, architecture: str | None, min_value: float | None, min_percent: float | None,
             fmt: str, db: str) -> None:
    """The comparison table of reported speed-ups: ratios (×) largest first, then percentages (% faster).

    A percentage is not a factor: "30% faster" is 1.3×, not 30×. So the table keeps a column per unit,
    --min-value filters the × ratios and --min-percent the percentages.

    \b
    Example:
        extractor speedups --architecture decoder-only --min-value 2
        extractor speedups --min-value 2 --min-percent 50 --format csv
    """
    from extractor.report import speedup_table

    with _open_store(db, read_only=True) as store:
        columns, rows = store.speedups(task=task, architecture=architecture, min_value=min_value, min_percent=min_percent)
    if fmt == "table":
        _stdout().print(speedup_table(columns, rows), soft_wrap=False)
    else:
        _print_rows(columns, rows, fmt)


@click.command()
@click.argument("paper_id")
@db_option
@handle_errors
def show(paper_id: str, db: str) -> None:
    """One paper: its fields, its claims, and the abstract with each claim's evidence marked.

    \b
    Example:
        extractor show p008
    """
    from extractor.report import paper_view

    with _open_store(db, read_only=True) as store:
        paper = store.paper(paper_id)
        found = dict(store.extractions([paper_id]))
        problems = store.problems(paper_id)
    if paper is None:
        raise ExtractorError(f"No paper {paper_id!r} in {db}. List ids with: extractor sql \"select id, title from papers\"")
    # soft_wrap=False: the abstract wraps inside its panel instead of running off as one long line
    _stdout().print(paper_view(paper, found.get(paper_id), problems), soft_wrap=False)


@click.command(name="validate")
@click.option("--rule", "rules", multiple=True, metavar="RULE", help="Only problems of this rule (repeatable).")
@click.option("--exclude-rule", "excluded", multiple=True, metavar="RULE",
              help="Leave out problems of this rule (repeatable), e.g. the model's review: model-disagrees.")
@format_option
@db_option
@handle_errors
def validate_command(rules: tuple[str, ...], excluded: tuple[str, ...], fmt: str, db: str) -> None:
    """List the validation problems found in stored extractions.

    The rules' own checks (a speed-up not above 1, evidence without its number, ...); the review
    queue `low-confidence`: a learned domain or architecture less sure than its threshold; when the
    model reviewed those, `model-disagrees`: where it answered otherwise; and, checked over the stored
    rows each time, `evidence-not-at-offsets`: a claim whose evidence is not at its offsets in the
    stored abstract.

    \b
    Examples:
        extractor validate --rule low-confidence --rule model-disagrees
        extractor validate --exclude-rule model-disagrees --format csv > problems.csv
    """
    with _open_store(db, read_only=True) as store:
        problems = store.problems() + store.stored_problems()  # the store rules look at the rows as they are now
    rows = [(p.paper_id, p.rule, p.field, p.message) for p in problems
            if (not rules or p.rule in rules) and p.rule not in excluded]
    _print_rows(["paper_id", "rule", "field", "message"], rows, fmt, title=f"{len(rows)} validation problems")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="File to write (default stdout).")
@db_option
@handle_errors
def export(fmt: str, output: str, db: str) -> None:
    """Export one record per paper: SCHEMA.md's fields plus id (the format eval/score.py reads).

    \b
    Example:
        extractor export --format jsonl > predictions.jsonl
    """
    from extractor.report import records_text
    from extractor.schema import export_record

    with _open_store(db, read_only=True) as store:
        text = records_text([export_record(pid, e) for pid, e in store.extractions()], fmt)
    with click.open_file(output, "w", encoding="utf-8") as f:
        f.write(text)


@click.command(name="eval")
@click.argument("gold", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--gold-from-reviews", "from_reviews", is_flag=True, help="Score against the corrections made in `extractor serve` (the reviewed papers) instead of GOLD.")
@click.option("--pred", type=click.Path(exists=True, dir_okay=False), help="Score a JSONL export instead of the database.")
@click.option("--ids", help="Only these ids: comma-separated, @FILE (one per line) or @SPLIT.json:NAME.")
@click.option("--split", help="Only this split (train, dev, test) of the split file beside GOLD (GOLD_split.json).")
@click.option("--explain", is_flag=True, help="Also show, per paper, what was missed, invented or mislabelled.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@handle_errors
def eval_command(gold: str | None, from_reviews: bool, pred: str | None, ids: str | None, split: str | None, explain: bool,
                 fmt: str, db: str) -> None:
    """Score extractions against answers in GOLD (dev_gold.jsonl's format); same figures as eval/score.py.

    The database's answers are scored as the rules and model made them, without the reviews.

    \b
    Examples:
        extractor eval ../shared/data/dev_gold.jsonl --explain
        extractor eval ../shared/data/arxiv_gold.jsonl --split test --db outputs/arxiv_test.duckdb
        extractor eval --gold-from-reviews --explain
    """
    from extractor.evaluate import explain as explain_diffs
    from extractor.evaluate import load_records, score
    from extractor.report import diff_text, score_table
    from extractor.schema import export_record

    if bool(gold) == from_reviews:
        raise click.UsageError("Give a GOLD file or --gold-from-reviews, one of them.")
    if from_reviews:
        from extractor.reviews import gold_from_reviews

        with _open_store(db, read_only=True) as store:
            answers = gold_from_reviews(store)
        if not answers:
            raise InputError(f"No review in {db} yet: correct or accept some answers in `extractor serve --db {db}` first.")
        gold = f"the reviews in {db}"
    else:
        answers = load_records(gold)
    abstracts = None  # with the database at hand, evidence is checked verbatim against the stored abstracts
    if pred:
        predictions = load_records(pred)
    else:
        with _open_store(db, read_only=True) as store:
            predictions = {pid: export_record(pid, e) for pid, e in store.extractions(reviewed=False)}
            abstracts = {p.id: {"abstract": p.abstract} for p in store.papers()}
    if split:
        if from_reviews:
            raise click.UsageError("--split reads the split file beside a GOLD file; with --gold-from-reviews use --ids.")
        splits = Path(gold).with_name(Path(gold).stem + "_split.json")
        if ids:
            raise click.UsageError("Give --split or --ids, not both.")
        ids = f"@{splits}:{split}"
    chosen = _parse_ids(ids) if ids else None
    _check_matches(answers, predictions, chosen, gold, pred or db)
    metrics = score(predictions, answers, chosen, abstracts)
    if fmt == "json":
        click.echo(json.dumps(metrics))
    else:
        _stdout().print(score_table(metrics, TARGETS))
    if explain:
        _stdout().print(diff_text(explain_diffs(predictions, answers, chosen)))


def _check_matches(answers: dict, predictions: dict, chosen: list[str] | None, gold: str, source: str) -> None:
    """No answer id with a prediction is an error (a score of 0 would lie); only some is worth a warning."""
    wanted = sorted(answers) if chosen is None else sorted(set(chosen) & set(answers))
    matched = [i for i in wanted if i in predictions]
    if wanted and not matched:
        sample = ", ".join(sorted(predictions)[:3]) or "none"
        raise InputError(
            f"None of the {len(wanted)} answer ids in {gold} has a prediction in {source} "
            f"(answer ids like {', '.join(wanted[:3])}; prediction ids like {sample}). Extract those papers "
            "first, or score the database or --pred file that holds them.")
    if len(matched) < len(wanted):
        _stderr().print(f"[yellow]warning[/]: only {len(matched)} of the {len(wanted)} answer ids have a prediction "
                        f"in {source}; the other {len(wanted) - len(matched)} count as wrong (`missing`).", highlight=False)


# The targets on arXiv papers nobody tuned on (issue 9, arxiv_gold test).
TARGETS = {
    "overall": 0.85, "claims_f1": 0.85, "claims_kind_f1": 0.75, "speedup_f1": 0.85, "code_url_f1": 0.97,
    "introduced_f1": 0.80, "architecture_acc": 0.75, "domain_acc": 0.82, "task_acc@0.5": 0.80, "evidence_grounded": 1.0,
}


COMMANDS = (sql, speedups, show, validate_command, export, eval_command)
