#!/usr/bin/env python
"""Measure extraction speed in words per second: the base pipeline alone, then with the domain components.

Why: project issue 3 asks what the conflict-kg components cost on top of the
base spaCy pipeline, measured, not guessed. Both pipelines are assembled by
``kg.pipeline.build_pipeline`` exactly as ``kg extract`` runs them
(``domain=False`` gives the same base pipeline, sentence fixes included,
without the five domain components). A third row adds ``doc_to_record``, the
step from a processed Doc to its ``kg-docrecord/1`` record: that is the whole
of ``kg extract`` but reading and writing files.

Method: thread pools are pinned to one thread (OpenMP/BLAS variables set
before spaCy or numpy is imported); the corpus is the given article files
repeated until it holds at least ``--min-words`` words; each configuration
makes one warm-up pass, then ``--runs`` rounds each time one pass of
``nlp.pipe`` over the whole corpus per configuration, in turn (so a change in
the machine's load hits every configuration alike); the median is reported. Words are whitespace-separated words of
the text (so the figure does not depend on the tokenizer). Both the process's
CPU time and wall-clock time are measured: on a shared machine (other jobs on
the cores) wall-clock figures swing with the load, CPU-time figures do not, so
the ratio is computed from CPU time; the load average is printed alongside.

Usage::

    python scripts/bench_extract.py                              # shipped pipeline, sample corpus + seeds
    python scripts/bench_extract.py --model training/base_pipeline/output/model-best --runs 5
    python scripts/bench_extract.py --corpus my_articles/ --min-words 50000 --json
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

__all__ = ["Result", "default_corpus", "load_corpus", "bench", "main"]

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kg" / "sample_corpus"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


@dataclass
class Result:
    """Timings of one configuration.

    Attributes:
        config (str): what ran.
        words (int): words per pass.
        docs (int): documents per pass.
        seconds (list[float]): wall-clock time of each timed pass, warm-up excluded.
        cpu_seconds (list[float]): CPU time of this process for each timed pass.
        wps (float): words per wall-clock second of the median pass.
        cpu_wps (float): words per CPU second of the median pass.
    """

    config: str
    words: int
    docs: int
    seconds: list[float]
    cpu_seconds: list[float]
    wps: float
    cpu_wps: float


def default_corpus() -> list[Path]:
    """The shipped sample corpus, plus the shared seed articles where they are mounted."""
    return [p for p in (SAMPLE, SEEDS) if p.is_dir()]


def load_corpus(paths: list[Path], min_words: int) -> list[tuple[str, str | None]]:
    """(text, published) of every article under ``paths``, repeated to at least ``min_words`` words."""
    from kg.ingest import iter_articles

    errors: list = []
    articles = [(a.text, a.published) for a in iter_articles(paths, errors=errors)]
    for err in errors:
        print(f"warning: {err}", file=sys.stderr)
    if not articles:
        raise SystemExit(f"error: no article found under {', '.join(map(str, paths))}")
    once = sum(len(t.split()) for t, _ in articles)
    repeat = max(1, -(-min_words // once))
    return articles * repeat


def _pass(nlp, corpus, batch_size: int, records: bool) -> tuple[float, float]:
    from kg.extract import doc_to_record
    from kg.ingest import Article

    def docs():
        for text, published in corpus:
            doc = nlp.make_doc(text)
            doc._.kg_published = published
            yield doc

    start, cpu = time.perf_counter(), time.process_time()
    for n, doc in enumerate(nlp.pipe(docs(), batch_size=batch_size)):
        if records:
            doc_to_record(doc, Article(doc_id=f"d{n}", text=doc.text, source="bench"))
    return time.perf_counter() - start, time.process_time() - cpu


def bench(configs: list[tuple[str, object, bool]], corpus, *, runs: int, batch_size: int) -> list[Result]:
    """Warm each (name, nlp, build records) configuration up once, then time ``runs`` rounds of one pass each."""
    words = sum(len(t.split()) for t, _ in corpus)
    for _, nlp, records in configs:
        _pass(nlp, corpus, batch_size, records)
    timings: list[list[tuple[float, float]]] = [[] for _ in configs]
    for _ in range(runs):
        for k, (_, nlp, records) in enumerate(configs):
            timings[k].append(_pass(nlp, corpus, batch_size, records))
    out = []
    for (name, _, _), times in zip(configs, timings):
        wall = [w for w, _ in times]
        cpu = [c for _, c in times]
        out.append(Result(name, words, len(corpus), wall, cpu, words / statistics.median(wall),
                          words / statistics.median(cpu)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None,
                        help="base pipeline: shipped en_conflict_kg_base (default), a package or a pipeline directory")
    parser.add_argument("--corpus", type=Path, nargs="+", default=None,
                        help="article files or folders (default: kg/sample_corpus and ../shared/corpus/seeds)")
    parser.add_argument("--min-words", type=int, default=20_000, help="repeat the corpus to at least this many words")
    parser.add_argument("--runs", type=int, default=3, help="timed passes per configuration (median reported)")
    parser.add_argument("--batch-size", type=int, default=8, help="nlp.pipe batch size (kg extract uses 8)")
    parser.add_argument("--no-records", action="store_true", help="skip the row that also builds records")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    from kg.errors import KgError
    from kg.pipeline import build_pipeline, pipeline_label

    corpus = load_corpus(args.corpus or default_corpus(), args.min_words)
    try:
        base = build_pipeline(args.model, domain=False)
        full = build_pipeline(args.model)
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    configs = [("base pipeline", base, False), ("base + domain components", full, False)]
    if not args.no_records:
        configs.append(("base + domain + records", full, True))
    results = bench(configs, corpus, runs=args.runs, batch_size=args.batch_size)

    label = pipeline_label(full)
    ratio = results[0].cpu_wps / results[1].cpu_wps
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if args.json:
        print(json.dumps({"pipeline": label, "model": args.model, "load_average": load, "cpu_time_ratio": ratio,
                          "results": [asdict(r) for r in results]}, indent=2))
        return 0
    print(f"pipeline {label} ({args.model or 'shipped default'}), {results[0].docs} docs, "
          f"{results[0].words:,} words per pass, 1 thread, median of {args.runs} interleaved runs after 1 warm-up, "
          f"load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'configuration':<28}{'words/CPU-s':>12}{'words/s wall':>14}   CPU s per run")
    for r in results:
        runs = " ".join(f"{s:.2f}" for s in r.cpu_seconds)
        print(f"{r.config:<28}{r.cpu_wps:>12,.0f}{r.wps:>14,.0f}   {runs}")
    print(f"with the domain components extraction takes {ratio:.2f}x the base pipeline's CPU time "
          f"({100 * (1 - 1 / ratio):.0f}% fewer words/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
