"""``kg build``: from a folder of articles to every file a user looks at, in one run.

Why: the first command of the README must give the merged graph, a timeline,
an actor map and a map layer with no server. The steps are
extract -> write records -> merge -> write outputs (-> load Neo4j), each
output written atomically, so a crash or Ctrl-C never leaves a half file in
place of a good one. A bad input file is reported and skipped; the build
fails only when nothing at all could be processed. A failing output is
reported and the other outputs are still written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError, KgError
from kg.models import DocRecord

__all__ = ["OUTPUT_FILES", "BuildResult", "build", "collect_records"]

OUTPUT_FILES = [
    "records.jsonl",
    "graph.ttl",
    "graph.graphml",
    "graph.gexf",
    "events.geojson",
    "events.csv",
    "timeline.png",
    "actor-map.png",
]
"""What ``build`` writes into the output folder, in this order."""


@dataclass
class BuildResult:
    """What a build did.

    Attributes:
        out_dir (Path): the output folder.
        documents (int): records merged.
        actors, places (int): canonical actors and places.
        reports (int): events before the merge.
        events (int): events after the merge.
        relations (int): merged relations.
        located (int): events written to the GeoJSON.
        unlocated (int): events left out of it for want of coordinates.
        files (list[Path]): files written.
        input_errors (list[KgError]): input files or lines that were skipped.
        output_errors (dict[str, KgError]): outputs that could not be written
            (by file name; ``"neo4j"`` for a failed load).
        neo4j (Any): what the Neo4j load returned, when asked for.
        graph (MultiDiGraph | None): the corpus graph.
    """

    out_dir: Path
    documents: int = 0
    actors: int = 0
    places: int = 0
    reports: int = 0
    events: int = 0
    relations: int = 0
    located: int = 0
    unlocated: int = 0
    files: list[Path] = field(default_factory=list)
    input_errors: list[KgError] = field(default_factory=list)
    output_errors: dict[str, KgError] = field(default_factory=dict)
    neo4j: Any = None
    graph: nx.MultiDiGraph | None = None

    @property
    def ok(self) -> bool:
        """True when every output was written."""
        return not self.output_errors


def collect_records(
    corpus: str | os.PathLike | None,
    out_dir: str | os.PathLike,
    *,
    records_path: str | os.PathLike | None = None,
    model: str | None = None,
    progress: bool = False,
    errors: list[KgError] | None = None,
) -> list[DocRecord]:
    """Extract records from ``corpus`` (or read ``records_path``) and write ``OUT/records.jsonl``.

    Args:
        corpus (str | PathLike | None): a folder (or file) of .txt/.html/.jsonl articles.
        out_dir (str | PathLike): where ``records.jsonl`` goes.
        records_path (str | PathLike | None): read these records instead of extracting.
            Defaults to None.
        model (str | None): spaCy pipeline for extraction. Defaults to the project's.
        progress (bool): show a progress bar. Defaults to False.
        errors (list[KgError] | None): bad files or lines are appended here and
            skipped; when None the first one raises.

    Raises:
        KgError: nothing could be processed (no valid document at all).
    """
    from kg.records import RecordWriter, read_records

    errs: list[KgError] = [] if errors is None else errors
    if records_path is not None:
        source = read_records(records_path, errors=errs)  # type: ignore[arg-type]
    else:
        if corpus is None:
            raise KgError("give a corpus folder or --records FILE")
        if not Path(corpus).exists():
            raise InputError(corpus, "no such file or folder")
        try:
            from kg.extract import extract_paths
        except ImportError as exc:
            raise KgError(f"extraction is not available in this install ({exc}); use --records FILE") from exc
        source = extract_paths([corpus], model=model, progress=progress, errors=errs)
    records: list[DocRecord] = []
    with RecordWriter(Path(out_dir) / "records.jsonl") as writer:
        for rec in source:
            writer.write(rec)
            records.append(rec)
        if not records:
            what = records_path if records_path is not None else corpus
            detail = f": {errs[0]}" if errs else " (no articles found)"
            raise KgError(f"nothing could be processed in {what}{detail}")
    if errors is None and errs:
        raise errs[0]
    return records


def _write_ttl(records: list[DocRecord], path: Path) -> None:
    try:
        from kg.rdf import export_records
    except ImportError as exc:
        raise KgError(f"RDF export is not available in this install ({exc})") from exc
    export_records(records, path, fmt="ttl")  # atomic itself: PATH.tmp, then renamed


def build(
    corpus: str | os.PathLike | None,
    out_dir: str | os.PathLike,
    *,
    records_path: str | os.PathLike | None = None,
    neo4j: str | None = None,
    model: str | None = None,
    progress: bool = False,
    on_output: Callable[[str], None] | None = None,
) -> BuildResult:
    """Run the whole job: extract, merge, and write every output into ``out_dir``.

    Args:
        corpus (str | PathLike | None): folder of articles (ignored with ``records_path``).
        out_dir (str | PathLike): output folder, created if missing.
        records_path (str | PathLike | None): start from these records instead of
            extracting. Defaults to None.
        neo4j (str | None): also load the graph into Neo4j at this URI
            (credentials from NEO4J_USER / NEO4J_PASSWORD). Defaults to None.
        model (str | None): spaCy pipeline for extraction. Defaults to the project's.
        progress (bool): progress bars on stderr. Defaults to False.
        on_output (Callable[[str], None] | None): called with each file name as it
            is written. Defaults to None.

    Returns:
        BuildResult: counts, files written and the errors met on the way.

    Raises:
        KgError: nothing could be processed, or the Neo4j loader is not installed.
    """
    from tqdm import tqdm

    from kg.corpus import build_corpus_graph, nodes_of_kind
    from kg.outputs import write_csv, write_geojson, write_gexf, write_graphml
    from kg.plots import draw_actor_map, draw_timeline

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out, f"cannot create the output folder: {exc.strerror or exc}") from exc
    result = BuildResult(out_dir=out)
    records = collect_records(
        corpus, out, records_path=records_path, model=model, progress=progress, errors=result.input_errors
    )
    result.files.append(out / "records.jsonl")

    graph = build_corpus_graph(records)
    result.graph = graph
    result.documents = len(records)
    result.actors = len(nodes_of_kind(graph, "actor"))
    result.places = len(nodes_of_kind(graph, "place"))
    result.reports = graph.graph["reports"]
    result.events = graph.graph["events"]
    result.relations = graph.graph["relations"]

    def geojson(path: Path) -> None:
        result.located, result.unlocated = write_geojson(graph, path)

    steps: list[tuple[str, Callable[[Path], Any]]] = [
        ("graph.ttl", lambda p: _write_ttl(records, p)),
        ("graph.graphml", lambda p: write_graphml(graph, p)),
        ("graph.gexf", lambda p: write_gexf(graph, p)),
        ("events.geojson", geojson),
        ("events.csv", lambda p: write_csv(graph, p)),
        ("timeline.png", lambda p: draw_timeline(graph, p)),
        ("actor-map.png", lambda p: draw_actor_map(graph, p)),
    ]
    for name, step in tqdm(steps, desc="writing outputs", unit="file", disable=not progress, leave=False):
        try:
            step(out / name)
        except KgError as exc:
            result.output_errors[name] = exc
            continue
        result.files.append(out / name)
        if on_output is not None:
            on_output(name)

    if neo4j is not None:
        try:
            from kg.store import load_records
        except ImportError as exc:
            raise KgError(f"the Neo4j loader is not available in this install ({exc})") from exc
        try:
            result.neo4j = load_records(records, uri=neo4j, progress=progress)
        except KgError as exc:  # the files are written; report the load and fail the build
            result.output_errors["neo4j"] = exc
    return result
