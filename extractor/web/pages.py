"""What a page shows, gathered from the store into plain values, and the Jinja environment that renders it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from statistics import median
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from extractor.report import compact_number
from extractor.schema import ARCHITECTURES, BOUNDS, DIRECTIONS, DOMAINS, KINDS, UNITS, Extraction, Paper, export_record
from extractor.store import Store
from extractor.validate import Problem, check_stored
from extractor.web import charts, marks


@cache
def environment() -> Environment:
    """Autoescaping on for every template: titles and abstracts are untrusted text."""
    env = Environment(loader=PackageLoader("extractor.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["json_for_script"] = marks.json_for_script
    env.filters["number"] = compact_number
    env.globals.update(value_text=marks.value_text, claim_summary=marks.claim_summary, safe_url=marks.safe_url,
                       kinds=KINDS, domains=DOMAINS, architectures=ARCHITECTURES, units=UNITS, directions=DIRECTIONS,
                       bounds=BOUNDS)
    return env


@dataclass
class PaperPage:
    """One paper as its page shows it."""

    paper: Paper
    extraction: Extraction | None
    problems: list[Problem] = field(default_factory=list)
    reviewed: set[str] = field(default_factory=set)  # fields and `claims[i]` a person reviewed
    claim_ids: list[int] = field(default_factory=list)  # each claim's stored index: a dropped claim leaves a gap

    @property
    def segments(self) -> list[marks.Segment]:
        claims = self.extraction.claims if self.extraction else []
        return marks.segments(self.paper.abstract, [(c.evidence_start, c.evidence_end, c.kind) for c in claims])

    @property
    def record(self) -> dict[str, Any]:
        """The data embedded in the page (the exported record with the evidence offsets and the title)."""
        claims = self.extraction.claims if self.extraction else []
        base = export_record(self.paper.id, self.extraction) if self.extraction else {"id": self.paper.id}
        return base | {"title": self.paper.title, "claims": [
            c.model_dump() | {"evidence_start": c.evidence_start, "evidence_end": c.evidence_end, "idx": idx,
                              "summary": marks.claim_summary(c)} for c, idx in zip(claims, self.claim_ids, strict=True)]}


def reviewed_targets(store: Store) -> dict[str, set[str]]:
    """Paper id -> the fields (`task`, `claims[2]`) a person reviewed, to mark them on the pages."""
    out: dict[str, set[str]] = defaultdict(set)
    for pid, fld, idx in store.query("SELECT DISTINCT paper_id, field, claim_idx FROM reviews")[1]:
        out[pid].add(fld if idx is None else f"claims[{idx}]")
    return out


def paper_pages(store: Store, ids: list[str] | None = None) -> list[PaperPage]:
    """Every paper (or those in `ids`) with its reviewed extraction, stored problems and the store rules' findings
    (checked on the reviewed claims: a reviewer's added evidence is checked too)."""
    if ids is None:
        papers, stored = list(store.papers()), store.problems()
    else:
        papers = [p for p in map(store.paper, ids) if p is not None]
        stored = [problem for p in papers for problem in store.problems(p.id)]
    found = dict(store.extractions([p.id for p in papers]))
    problems: dict[str, list[Problem]] = defaultdict(list)
    for problem in stored:
        problems[problem.paper_id].append(problem)
    reviewed = reviewed_targets(store)
    claim_ids: dict[str, list[int]] = defaultdict(list)
    for pid, idx in store.query("SELECT paper_id, idx FROM reviewed_claims WHERE paper_id IN (SELECT unnest(?::VARCHAR[]))"
                                " ORDER BY paper_id, idx", [[p.id for p in papers]])[1]:
        claim_ids[pid].append(idx)  # the order store.extractions() gives the claims in
    return [PaperPage(p, found.get(p.id), problems[p.id] + (check_stored(p, found[p.id]) if p.id in found else []),
                      reviewed.get(p.id, set()), claim_ids[p.id] if p.id in found else []) for p in papers]


def speedup_rows(store: Store) -> list[dict[str, Any]]:
    """The speed-up comparison (reviews applied) as dicts, the order `extractor speedups` prints."""
    columns, rows = store.speedups()
    return [dict(zip(columns, row)) for row in rows]


def index_charts(pages: list[PaperPage], speedups: list[dict[str, Any]]) -> list[Any]:
    """The index's charts: speed-ups (×) by task and by architecture, claims by kind, papers by domain."""
    def by(key: str) -> list[tuple[str, float, str]]:
        groups: dict[str, list[float]] = defaultdict(list)
        for row in speedups:
            if row["unit"] == "x":
                groups[row[key] or "unspecified"].append(row["value"])
        top = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -max(kv[1]), kv[0]))[:12]
        return [(name, max(values), f"max {compact_number(max(values))}× · median {compact_number(median(values))}×"
                 f" · {len(values)} claim{'s' * (len(values) > 1)}") for name, values in top]

    done = [p.extraction for p in pages if p.extraction]
    kinds = Counter(c.kind for x in done for c in x.claims)
    domains = Counter(x.domain for x in done)
    return [
        charts.bar_chart("Largest reported speed-up (×) by task, most claimed tasks first (log scale)", by("task"),
                         "speedup", log=True),
        charts.bar_chart("Largest reported speed-up (×) by architecture (log scale)", by("architecture"), "speedup", log=True),
        charts.bar_chart("Claims by kind", [(k, kinds[k], str(kinds[k])) for k in KINDS], "kind"),
        charts.bar_chart("Papers by domain", [(d, n, str(n)) for d, n in domains.most_common()], "domain"),
    ]


def search_papers(store: Store, text: str, limit: int = 200) -> list[dict[str, Any]]:
    """Papers whose title, abstract, task or a claim (metric, evidence, baseline) contains `text`, any case."""
    columns, rows = store.query(
        """SELECT p.id, p.title, e.task, e.domain, e.architecture,
            (SELECT count(*) FROM reviewed_claims c WHERE c.paper_id = p.id) AS claims,
            (SELECT count(*) FROM problems q WHERE q.paper_id = p.id) AS problems
        FROM papers p LEFT JOIN reviewed_extractions e ON e.paper_id = p.id
        WHERE $t = '' OR contains(lower(p.title), $t) OR contains(lower(p.abstract), $t)
            OR contains(lower(coalesce(e.task, '')), $t) OR EXISTS (SELECT 1 FROM reviewed_claims c WHERE c.paper_id = p.id
                AND (contains(lower(c.metric), $t) OR contains(lower(c.evidence), $t)
                     OR contains(lower(coalesce(c.baseline, '')), $t)))
        ORDER BY p.id LIMIT $limit""", {"t": text.strip().lower(), "limit": limit})
    return [dict(zip(columns, row)) for row in rows]
