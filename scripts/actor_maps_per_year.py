#!/usr/bin/env python3
"""Draw one actor map per year of a corpus, using only the ``kg.api`` Python API.

Why: an example of the timeline-script use the API is made for. Each map shows
the actors that took part in events that year (sized by how many), the
relations stated among them, and who acted against whom.

Usage:
    kg build kg/sample_corpus -o sample-out
    python scripts/actor_maps_per_year.py sample-out -o sample-out/actor-maps

RECORDS is a ``records.jsonl`` file or a ``kg build`` output folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.api import build_corpus_graph, draw_actor_map, event_years, filter_events, load_records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path, help="records.jsonl or a kg build output folder")
    parser.add_argument("-o", "--out", type=Path, default=Path("actor-maps"), help="folder for the pictures")
    parser.add_argument("--format", choices=["png", "svg", "pdf"], default="png")
    args = parser.parse_args(argv)

    graph = build_corpus_graph(load_records(args.records))
    args.out.mkdir(parents=True, exist_ok=True)
    for year in event_years(graph):
        events = filter_events(graph, date_from=str(year), date_to=str(year))
        path = args.out / f"actor-map-{year}.{args.format}"
        draw_actor_map(graph, path, date_from=str(year), date_to=str(year), title=f"Actors in {year} ({len(events)} events)")
        print(f"{path}: {len(events)} events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
