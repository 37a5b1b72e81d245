"""The small Python API behind ``kg build``, ``kg timeline`` and ``kg actor-map``.

Why: timeline and actor-map scripts are a first-class use. Everything the CLI
does is one of these functions, so a script can load records, build the
corpus graph, filter events by actor, place and date, and draw pictures
without touching the CLI or the internals::

    from kg.api import load_records, build_corpus_graph, filter_events, draw_timeline

    graph = build_corpus_graph(load_records("out/records.jsonl"))
    for event in filter_events(graph, actor="JNIM", date_from="2024"):
        print(event["date"], event["type"], event["label"], event["source_count"])
    draw_timeline(graph, "jnim-2024.png", actor="JNIM", date_from="2024")

See ``docs/build.md`` for the graph's shape and the event merge rule.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.build import OUTPUT_FILES, BuildResult, build
from kg.corpus import (
    Corpus,
    build_corpus_graph,
    event_years,
    filter_events,
    find_actors,
    find_places,
    merge_records,
    nodes_of_kind,
)
from kg.errors import KgError
from kg.models import DocRecord
from kg.outputs import CSV_COLUMNS, write_csv, write_geojson, write_gexf, write_graphml
from kg.plots import actor_map_graph, draw_actor_map, draw_timeline

__all__ = [
    "load_records",
    "extract_records",
    "build_corpus_graph",
    "merge_records",
    "Corpus",
    "nodes_of_kind",
    "find_actors",
    "find_places",
    "filter_events",
    "event_years",
    "draw_timeline",
    "draw_actor_map",
    "actor_map_graph",
    "write_graphml",
    "write_gexf",
    "write_geojson",
    "write_csv",
    "CSV_COLUMNS",
    "build",
    "BuildResult",
    "OUTPUT_FILES",
    "DocRecord",
    "KgError",
]


def load_records(path: str | os.PathLike, *, errors: list[KgError] | None = None) -> list[DocRecord]:
    """Read document records from a JSONL file or a ``kg build`` output folder.

    Args:
        path (str | PathLike): ``records.jsonl`` or a folder holding one.
        errors (list[KgError] | None): bad lines are appended here and skipped;
            when None the first bad line raises. Defaults to None.

    Raises:
        InputError: the file is missing or unreadable (or, without ``errors``, a line is bad).
    """
    from kg.records import read_records

    p = Path(path)
    if p.is_dir():
        p = p / "records.jsonl"
    return read_records(p, errors=errors)  # type: ignore[arg-type]


def extract_records(
    paths: Iterable[str | os.PathLike], *, model: str | None = None, errors: list[KgError] | None = None
) -> Iterator[DocRecord]:
    """Extract document records from article files or folders (see ``kg.extract``).

    Args:
        paths (Iterable[str | PathLike]): .txt/.html/.jsonl files or folders.
        model (str | None): spaCy pipeline. Defaults to the project's.
        errors (list[KgError] | None): bad files go here instead of raising. Defaults to None.
    """
    from kg.extract import extract_paths

    return extract_paths([Path(p) for p in paths], model=model, errors=errors)
