"""`make bench`: papers/minute end to end, seconds per stage, tokens per paper, and accuracy on the dev answers.

usage: python -m extractor.bench [--configs rules,default,smollm2,gemma3] [--arxiv N] [--split dev] [--server N] [--ray N] [--gold PATH] [--out DIR]

With --server N, it also starts `python -m llama_cpp.server` on 127.0.0.1 with the bundled model
and extracts the first N bundled papers through the endpoint backend at concurrency 1, 2 and 4,
the model deciding task, domain and architecture so that every paper costs one request.

Each configuration extracts the bundled corpus (scored against dev_gold), the arxiv_gold papers
of one split (scored against their answers: accuracy next to speed) and the first N arXiv papers
into a fresh DuckDB file through the same `run_extraction` the CLI uses, then reads the timings and token
counts back from the runs table. Results print as a table and go to outputs/bench/*.json.
The rules' and the store's seconds per paper are separate columns. With --ray N (the extra
`extractor[ray]`), the first N arXiv papers go through the single process and through Ray, and the
throughput ratio prints.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from extractor.backends import Backend, BackendConfig, get_backend
from extractor.corpus import read_papers, read_sample
from extractor.evaluate import load_records, score
from extractor.extract import Settings
from extractor.learned.reader import Reader, reader_threads
from extractor.run import run_extraction
from extractor.schema import Paper, export_record
from extractor.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MODELS = {
    "smollm2": REPO / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3": REPO / "models" / "gemma-3-270m-q4_k_m.gguf",
}


def bench_corpus(name: str, papers: list[Paper], backend: Backend | None, settings: Settings, gold: dict | None,
                 read_seconds: float = 0.0, concurrency: int = 1, reader: Reader | None = None) -> dict:
    """Extract `papers` into a fresh database and read back what it cost."""
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            t0 = time.perf_counter()
            summary = run_extraction(store, papers, backend, settings, read_seconds=read_seconds, concurrency=concurrency,
                                     reader=reader)
            wall = time.perf_counter() - t0 + read_seconds
            _, rows = store.query(
                "select sum(seconds_read), sum(seconds_rules), sum(seconds_model), sum(seconds_store),"
                " sum(prompt_tokens), sum(completion_tokens), count(*), count(*) filter (where prompt_tokens > 0)"
                " from extractions where status = 'ok'"
            )
            read, rules, model, stored, prompt, completion, n, asked = rows[0]
            _, problem_rows = store.query("select count(distinct paper_id) from problems")
            result = {
                "corpus": name,
                "papers": len(papers),
                "failed": len(summary.failed),
                "seconds": round(wall, 2),
                "papers_per_minute": round(len(papers) / wall * 60, 1) if wall else None,
                "papers_asked": asked,  # papers the model was asked about (the rest needed no model)
                "seconds_per_paper": {k: round((v or 0) / max(n, 1), 4) for k, v in
                                      {"read": read, "rules": rules, "model": model, "store": stored}.items()},
                "tokens_per_paper": {"prompt": round((prompt or 0) / max(n, 1), 1),
                                     "completion": round((completion or 0) / max(n, 1), 1)},
                "papers_with_problems": problem_rows[0][0],
            }
            if gold:
                predictions = {pid: export_record(pid, e) for pid, e in store.extractions()}
                raw = {p.id: {"abstract": p.abstract} for p in papers}
                result["accuracy"] = {k: round(v, 3) for k, v in score(predictions, gold, None, raw).items() if isinstance(v, float)}
                result["dev_review"] = review_figures(store, predictions, gold)
    return result


def bench_server(papers: list[Paper], threads: int | None) -> list[dict]:
    """Papers/minute through a real local llama_cpp.server, the endpoint backend at concurrency 1, 2 and 4."""
    from extractor.backends.llama_server import start_llama_server, stop_process

    logs = REPO / "outputs" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    server, url = start_llama_server(MODELS["smollm2"], logs / "server.log", threads=threads or 2)
    try:
        backend = get_backend("openai", BackendConfig(base_url=url, model="local", extra={"body": {"repeat_penalty": 1.0}}))
        every_paper = Settings(ask=("task", "domain", "architecture"), review=())  # one model call per paper
        return [{**bench_corpus(f"bundled[:{len(papers)}]", papers, backend, every_paper, None, concurrency=c),
                 "config": f"server c={c}"} for c in (1, 2, 4)]
    finally:
        stop_process(server)


def bench_ray(papers: list[Paper], actors: int) -> dict:
    """Rules only, the same papers through the single process and through `--engine ray` (one after the
    other, on this machine): the throughput ratio Ray / single process. Ray's start-up is left out (once per run)."""
    import ray

    from extractor.ray_run import Engine, run_ray

    rules = Settings(use_model=False)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with Store(Path(tmp) / "bench.duckdb") as store:
            run_extraction(store, papers, None, rules)
        single = time.perf_counter() - t0
        ray.init(num_cpus=actors + 1, include_dashboard=False, log_to_driver=False)
        try:
            t0 = time.perf_counter()
            run_ray(papers, Path(tmp) / "ray", rules, Engine(), {"backend": "rules"}, "bench", "bench", actors=actors)
            on_ray = time.perf_counter() - t0
        finally:
            ray.shutdown()
    return {"papers": len(papers), "actors": actors, "single_papers_per_s": round(len(papers) / single, 1),
            "ray_papers_per_s": round(len(papers) / on_ray, 1), "ray_over_single": round(single / on_ray, 2)}


def review_figures(store: Store, predictions: dict, gold: dict) -> dict:
    """How well the model's `model-disagrees` flags point at the rules' real errors on the dev answers."""
    flagged = {(p.paper_id, p.field) for p in store.problems() if p.rule == "model-disagrees"}
    figures = {}
    ids = [i for i in gold if i in predictions]
    for field in ("domain", "architecture"):
        errors = {i for i in ids if predictions[i][field] != gold[i][field]}
        flags = {i for i in ids if (i, field) in flagged}
        figures[field] = {"rule_errors": len(errors), "flags": len(flags), "flags_on_errors": len(flags & errors)}
    return figures


def _backend(config_name: str, threads: int | None, read_threads: int) -> tuple[Backend | None, Settings, Reader | None]:
    """rules: no model (`--no-model`); default: SmolLM2 reads every abstract (the default pipeline);
    smollm2 / gemma3: the default, and that model also reviews the low-confidence answers."""
    if config_name == "rules":
        return None, Settings(use_model=False), None
    reader = Reader(MODELS["smollm2"], n_threads=read_threads)
    if config_name == "default":
        return None, Settings(), reader
    backend = get_backend("llama_cpp", BackendConfig(model=str(MODELS[config_name]), n_threads=threads))
    return backend, Settings(review=("domain", "architecture")), reader


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="rules,default,smollm2", help="rules, default, smollm2, gemma3")
    parser.add_argument("--arxiv", type=int, default=500, help="first N papers of arxiv_sample.jsonl (0: none)")
    parser.add_argument("--gold", default=str(SHARED / "data" / "dev_gold.jsonl"))
    parser.add_argument("--split", default="dev", help="the arxiv_gold split scored next to speed ('' for none; never tune on test)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--server", type=int, default=40, help="papers through a local llama_cpp.server at concurrency 1, 2, 4 (0: skip)")
    parser.add_argument("--ray", type=int, default=2000, help="first N arXiv papers, rules only, single process vs --engine ray (0: skip)")
    parser.add_argument("--actors", type=int, default=2, help="Ray actors for --ray")
    parser.add_argument("--out", default=str(REPO / "outputs" / "bench"))
    args = parser.parse_args(argv)
    # Chosen before any configuration runs: the load average would count this process's own work.
    read_threads = args.threads or reader_threads()

    t0 = time.perf_counter()
    corpora = {"bundled": (list(read_sample()), time.perf_counter() - t0)}
    answers = {"bundled": load_records(args.gold) if Path(args.gold).exists() else None}
    arxiv, arxiv_gold = SHARED / "data" / "arxiv_sample.jsonl", SHARED / "data" / "arxiv_gold.jsonl"
    if arxiv.exists() and (args.arxiv or args.split):
        t0 = time.perf_counter()
        papers = list(read_papers([arxiv]))
        seconds_per_paper = (time.perf_counter() - t0) / len(papers)
        if args.split and arxiv_gold.exists():
            ids = set(json.loads((SHARED / "data" / "arxiv_gold_split.json").read_text())[args.split])
            chosen = [p for p in papers if p.id in ids]
            corpora[f"arxiv {args.split}"] = (chosen, seconds_per_paper * len(chosen))
            answers[f"arxiv {args.split}"] = {i: r for i, r in load_records(arxiv_gold).items() if i in ids}
        if args.arxiv:
            corpora[f"arxiv[:{args.arxiv}]"] = (papers[: args.arxiv], seconds_per_paper * args.arxiv)
    results = []
    for config_name in args.configs.split(","):
        backend, settings, reader = _backend(config_name, args.threads, read_threads)
        for corpus_name, (papers, read_seconds) in corpora.items():
            result = bench_corpus(corpus_name, papers, backend, settings, answers.get(corpus_name), read_seconds, reader=reader)
            result["config"] = config_name
            results.append(result)
            _print([result])
    if args.server:
        for result in bench_server(corpora["bundled"][0][: args.server], args.threads):
            results.append(result)
            _print([result])
    if args.ray and arxiv.exists():
        ratio = bench_ray(list(read_papers([arxiv]))[: args.ray], args.actors)
        results.append({"config": "ray vs single", **ratio})
        print(f"Rules only over {ratio['papers']} arXiv papers: single process {ratio['single_papers_per_s']} papers/s, "
              f"Ray ({args.actors} actors) {ratio['ray_papers_per_s']} papers/s: ratio {ratio['ray_over_single']}", flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    _print([r for r in results if "corpus" in r], title=f"Benchmark ({path})")
    return 0


# Accuracy next to speed: the scorer's figure behind each short column name.
ACCURACY_COLUMNS = {"overall": "overall", "claims": "claims_f1", "kind": "claims_kind_f1", "speedup": "speedup_f1",
                    "names": "introduced_f1", "arch": "architecture_acc", "domain": "domain_acc", "task": "task_acc@0.5"}


def _print(results: list[dict], title: str | None = None) -> None:
    from rich.console import Console

    from extractor.report import render

    columns = ["config", "corpus", "papers", "papers/min", "asked", "read s", "rules s", "model s", "store s",
               "prompt tok", "gen tok", "with problems", *ACCURACY_COLUMNS, "review flags (on errors)"]
    rows = [
        (r["config"], r["corpus"], r["papers"], r["papers_per_minute"], r["papers_asked"], *r["seconds_per_paper"].values(),
         *r["tokens_per_paper"].values(), r["papers_with_problems"], *((r.get("accuracy") or {}).get(k) for k in ACCURACY_COLUMNS.values()),
         " ".join(f"{k[:4]} {v['flags']} ({v['flags_on_errors']}/{v['rule_errors']})" for k, v in r.get("dev_review", {}).items()))
        for r in results
    ]
    Console(stderr=True, width=260).print(render(columns, rows, "table", title=title))


if __name__ == "__main__":
    raise SystemExit(main())
