"""``kg build``, ``kg timeline``, ``kg actor-map``: the corpus job and its two pictures.

Why: one command, no server, gives a user everything to look at; the two
picture commands redraw with filters from the records a build wrote.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli.app import command, fail

__all__ = ["build_cmd", "timeline_cmd", "actor_map_cmd"]

_RECORDS_HELP = "Records to draw from: a records.jsonl file or a `kg build` output folder."


def _graph(records: Path):
    from kg.api import build_corpus_graph, load_records

    errors: list = []
    recs = load_records(records, errors=errors)
    for err in errors:
        typer.echo(f"warning: skipped {err}", err=True)
    if not recs:
        raise fail(f"no valid records in {records}")
    return build_corpus_graph(recs)


def _check_suffix(output: Path) -> None:
    if output.suffix.lower() not in {".png", ".svg", ".pdf"}:
        raise fail(f"{output}: the picture must end in .png, .svg or .pdf")


@command("build")
def build_cmd(
    corpus: Path = typer.Argument(None, help="Folder of articles (.txt, .html, .jsonl), searched recursively."),
    out_dir: Path = typer.Option(..., "-o", "--out", help="Output folder (created if missing)."),
    records: Path = typer.Option(None, "--records", help="Start from these records (JSONL) instead of extracting."),
    neo4j: str = typer.Option(None, "--neo4j", help="Also load the graph into Neo4j at this URI (NEO4J_USER/NEO4J_PASSWORD)."),
    model: str = typer.Option(None, "--model", help="spaCy pipeline for extraction (default: the project's)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bars on stderr."),
) -> None:
    """Extract, merge and write the corpus graph, map layer, CSV, timeline and actor map.

    Writes records.jsonl, graph.ttl, graph.graphml, graph.gexf, events.geojson,
    events.csv, timeline.png and actor-map.png into OUT. Bad input files are
    reported and skipped; the exit code is non-zero only if nothing could be
    processed or an output could not be written.
    """
    from kg.build import build

    if corpus is None and records is None:
        raise fail("give a CORPUS folder or --records FILE")
    if corpus is not None and records is not None:
        typer.echo(f"warning: {corpus} is not read: --records {records} is used instead", err=True)
    result = build(corpus, out_dir, records_path=records, neo4j=neo4j, model=model, progress=progress)
    for err in result.input_errors:
        typer.echo(f"warning: skipped {err}", err=True)
    for name, err in result.output_errors.items():
        what = "load failed" if name == "neo4j" else "not written"
        typer.echo(f"error: {name} {what}: {err}", err=True)
    merged = result.reports - result.events
    typer.echo(f"documents: {result.documents}" + (f" ({len(result.input_errors)} skipped)" if result.input_errors else ""))
    typer.echo(f"actors: {result.actors}  places: {result.places}  relations: {result.relations}")
    typer.echo(
        f"events: {result.reports} reported -> {result.events} after merging "
        f"({merged} repeated report{'' if merged == 1 else 's'} merged into the events they repeat)"
    )
    typer.echo(f"map layer: {result.located} located events ({result.unlocated} without coordinates left out)")
    if result.neo4j is not None:
        stats = result.neo4j
        typer.echo(
            f"neo4j: loaded {getattr(stats, 'documents', '?')} documents into {neo4j} "
            f"({getattr(stats, 'nodes_created', '?')} new nodes, {getattr(stats, 'seconds', 0.0):.1f} s)"
        )
    typer.echo(f"wrote {len(result.files)} files to {result.out_dir}: " + ", ".join(p.name for p in result.files))
    if not result.ok:
        raise typer.Exit(1)


@command("timeline")
def timeline_cmd(
    output: Path = typer.Option(..., "-o", "--output", help="Picture to write (.png, .svg or .pdf)."),
    records: Path = typer.Option(Path("records.jsonl"), "--records", "-r", help=_RECORDS_HELP),
    actor: str = typer.Option(None, "--actor", help="Only events this actor acts in or is targeted by."),
    place: str = typer.Option(None, "--place", help="Only events at this place (a country covers its towns)."),
    date_from: str = typer.Option(None, "--from", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", help="To this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
) -> None:
    """Draw events on a time axis, coloured by type."""
    from kg.api import draw_timeline

    _check_suffix(output)
    graph = _graph(records)
    draw_timeline(graph, output, actor=actor, place=place, date_from=date_from, date_to=date_to)
    typer.echo(f"wrote {output}")


@command("actor-map")
def actor_map_cmd(
    output: Path = typer.Option(..., "-o", "--output", help="Picture to write (.png, .svg or .pdf)."),
    records: Path = typer.Option(Path("records.jsonl"), "--records", "-r", help=_RECORDS_HELP),
    at: str = typer.Option(None, "--at", help="The map as of this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    max_actors: int = typer.Option(40, "--max-actors", min=1, help="Show at most this many (the most active) actors."),
) -> None:
    """Draw actors coloured by type, relations styled by predicate, sized by activity."""
    from kg.api import draw_actor_map

    _check_suffix(output)
    graph = _graph(records)
    draw_actor_map(graph, output, at=at, max_actors=max_actors)
    typer.echo(f"wrote {output}")
