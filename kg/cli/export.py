"""``kg export`` (records -> RDF) and ``kg sparql`` (run a cookbook query on an export).

Why: researchers take the graph out as RDF to query it beside other linked
data; the export streams, so it works on any corpus size, and ``--validate``
checks the result against the published SHACL shapes.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kg.cli.app import command
from kg.errors import ExportError

__all__ = ["export", "sparql"]


@command("export")
def export(
    records: Path = typer.Argument(..., help="Records file (JSONL, kg-docrecord/1), e.g. records.jsonl."),
    fmt: str = typer.Option(None, "--format", "-f", help="ttl, nt, trig, nq or jsonld. Defaults to the output suffix, else ttl."),
    output: Path = typer.Option(None, "--output", "-o", help="Output file. Defaults to standard output."),
    base: str = typer.Option(None, "--base", help="Base of the data IRIs. Defaults to https://w3id.org/conflict-kg/id/."),
    validate: bool = typer.Option(False, "--validate", help="Check the written file against ontology/shapes.ttl (loads it into memory)."),
) -> None:
    """Export records as RDF (SEM + PROV-O + schema.org); TriG / N-Quads keep one named graph per document."""
    from kg.rdf import DEFAULT_BASE, export_records
    from kg.rdf import validate as shacl_validate
    from kg.rdf.export import format_for_path
    from kg.records import iter_records

    fmt = fmt or (format_for_path(output) if output else None) or "ttl"
    base = base or DEFAULT_BASE
    if output is None:
        if validate:
            raise ExportError("--validate needs an output file (-o)")
        stdout = typer.get_text_stream("stdout")
        export_records(iter_records(records), stdout, fmt, base=base)
        stdout.flush()
        return
    n = export_records(iter_records(records), output, fmt, base=base)
    typer.echo(f"wrote {n} {'quads' if fmt in ('trig', 'nq') else 'triples'} to {output} ({fmt})", err=True)
    if validate:
        conforms, report = shacl_validate(output)
        if not conforms:
            typer.echo(report, err=True)
            raise ExportError(f"{output} does not conform to the SHACL shapes (report above)")
        typer.echo(f"{output} conforms to the SHACL shapes", err=True)


@command("sparql")
def sparql(
    name: str = typer.Argument(..., help="Cookbook query: allies, enemies, attacks-by, timeline or sources."),
    export_file: Path = typer.Argument(..., help="An RDF export (ttl, nt, trig, nq or jsonld)."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, e.g. -p actor=jnim -p from=2024."),
    base: str = typer.Option(None, "--base", help="Base the export's IRIs were minted under."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON rows."),
) -> None:
    """Run a SPARQL cookbook query (kg/queries/NAME.rq) on an export; values are bound, never pasted."""
    from kg.rdf import DEFAULT_BASE, load_export, run_query

    params = {}
    for item in param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ExportError(f"--param {item!r} is not NAME=VALUE")
        params[key] = value
    rows = run_query(load_export(export_file), name, base=base or DEFAULT_BASE, **params)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("(no rows)")
        return
    columns = list(rows[0])
    typer.echo("\t".join(columns))
    for row in rows:
        typer.echo("\t".join("" if row[c] is None else str(row[c]) for c in columns))
