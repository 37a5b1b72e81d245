#!/usr/bin/env python
"""Benchmark the streaming RDF export: triples per second and peak memory.

Why: the export must keep up with a large corpus (target: at least 50,000
triples/s for N-Triples on 100,000 events) and its memory must stay flat as the
input grows. Records are synthetic (deterministic seed) and built lazily, as
``iter_records`` would read them, so the input never sits in memory.

Prints, for the format chosen:
- triples/s over ``--events`` events: median of ``--runs`` runs, export only
  (time to build the synthetic records measured apart and subtracted) and end
  to end;
- peak RSS of a fresh process exporting each of ``--sizes`` events, so two
  sizes show whether memory grows with the input.

Usage: python scripts/bench_rdf_export.py [--events 100000] [--runs 3] [--format nt] [--sizes 20000,100000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

from kg.models import DocRecord
from kg.rdf import export_records

EVENTS_PER_RECORD = 10
RELATIONS_PER_RECORD = 5
N_ACTORS = 2_000
N_PLACES = 1_000
TYPES = ["armed_clash", "attack", "air_strike", "bombing", "abduction", "killing", "siege_blockade", "deployment"]
PREDICATES = ["allied_with", "hostile_to", "affiliated_with", "supports", "part_of"]
MODALITIES = ["asserted", "asserted", "asserted", "reported", "unconfirmed", "denied", "hypothetical"]
ACTOR_TYPES = ["ArmedGroup", "StateForce", "PrivateMilitary", "State", "InternationalOrg", "Person"]


def synthetic_records(n_events: int, seed: int = 7) -> Iterator[DocRecord]:
    """Records of ``EVENTS_PER_RECORD`` events each over a fixed pool of actors and places, built lazily."""
    rng = random.Random(seed)
    for r in range(0, n_events, EVENTS_PER_RECORD):
        actor_ids = rng.sample(range(N_ACTORS), 6)
        place_ids = rng.sample(range(N_PLACES), 3)
        actors = [
            {"id": f"actor-{i}", "name": f"Actor {i}", "type": ACTOR_TYPES[i % len(ACTOR_TYPES)],
             "aliases": [f"Actor {i}", f"A{i}"], "qid": f"Q{1000 + i}" if i % 3 == 0 else None}
            for i in actor_ids
        ]
        places = [
            {"id": f"place-{i}", "name": f"Place {i}", "type": "Settlement", "country": "ML",
             "lat": round(10 + (i % 150) / 10, 3), "lon": round(-12 + (i % 160) / 10, 3)}
            for i in place_ids
        ]
        events = []
        for k in range(min(EVENTS_PER_RECORD, n_events - r)):
            a, t = rng.sample(actors, 2)
            year, month, day = rng.choice([2012, 2020, 2023, 2024]), rng.randint(1, 12), rng.randint(1, 28)
            date = rng.choice([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"])
            events.append({
                "type": rng.choice(TYPES), "agents": [a["id"]], "targets": [t["id"]],
                "location": rng.choice(places)["id"], "date": date,
                "fatalities": rng.choice([None, rng.randint(0, 40)]), "modality": rng.choice(MODALITIES),
                "evidence": f"Sentence {k} of document {r}: {a['name']} struck {t['name']}.",
                "sentence": k, "start": k * 80, "end": k * 80 + 60, "extractor": "bench",
            })
        relations = []
        for k in range(RELATIONS_PER_RECORD):
            s, o = rng.sample(actors, 2)
            relations.append({"subject": s["id"], "predicate": rng.choice(PREDICATES), "object": o["id"],
                              "modality": rng.choice(MODALITIES), "evidence": f"relation {k}", "sentence": k})
        yield DocRecord.model_validate({
            "doc_id": f"bench-{r // EVENTS_PER_RECORD:06d}", "published": "2024-05-01", "title": f"Bench {r}",
            "pipeline": "bench-pipeline", "actors": actors, "places": places, "events": events, "relations": relations,
        })


def _rss_mib() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            fields = dict(line.split(":", 1) for line in fh)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except OSError:  # not Linux: peak only
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak


def _time_export(n_events: int, fmt: str, path: str) -> tuple[int, float, float, float]:
    """(triples, wall s to build the records alone, wall s to build and export, CPU s of the export only)."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in synthetic_records(n_events):
        pass
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    n = export_records(synthetic_records(n_events), path, fmt)
    return n, build, time.perf_counter() - t0, time.process_time() - c0 - build_cpu


def _child(n_events: int, fmt: str) -> None:
    """Run in a fresh process: export once, print triples and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        before, _ = _rss_mib()
        n = export_records(synthetic_records(n_events), os.path.join(tmp, f"bench.{fmt}"), fmt)
        print(n, before, _rss_mib()[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000, help="events to export. Defaults to 100,000.")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (median reported). Defaults to 3.")
    ap.add_argument("--format", default="nt", help="ttl, nt, trig, nq or jsonld. Defaults to nt.")
    ap.add_argument("--sizes", default="20000,100000", help="event counts for the memory check. Defaults to 20000,100000.")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        _child(args.child, args.format)
        return 0

    print(f"RDF export benchmark: {args.events:,} events, format {args.format}, {args.runs} run(s)")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"bench.{args.format}")
        runs = [_time_export(args.events, args.format, path) for _ in range(args.runs)]
        size = os.path.getsize(path)
    n = runs[0][0]
    total = statistics.median(r[2] for r in runs)
    export_only = statistics.median(r[2] - r[1] for r in runs)
    cpu = statistics.median(r[3] for r in runs)
    print(f"  triples written:      {n:,} ({size / 2**20:.1f} MiB)")
    print(f"  export only:          {n / export_only:,.0f} triples/s ({export_only:.2f} s wall, median)")
    print(f"  export only, CPU:     {n / cpu:,.0f} triples/s ({cpu:.2f} s of CPU, median; unaffected by other load)")
    print(f"  end to end:           {n / total:,.0f} triples/s ({total:.2f} s wall, median; records built on the fly)")

    print("  peak memory (fresh process per size):")
    for events in (int(s) for s in args.sizes.split(",") if s):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(events), "--format", args.format],
            check=True, capture_output=True, text=True,
        ).stdout.split()
        triples, before, peak = int(out[0]), float(out[1]), float(out[2])
        print(f"    {events:>9,} events  {triples:>11,} triples  peak RSS {peak:7.1f} MiB (RSS after imports {before:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
