"""``kg extract``: articles -> one document record per line."""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli.app import command, fail

__all__ = ["extract"]


@command("extract")
def extract(
    paths: list[Path] = typer.Argument(..., help="Article files (.txt, .html, .jsonl) or folders of them (recursive)."),
    output: Path = typer.Option(..., "-o", "--output", help="Records file to write (JSONL, kg-docrecord/1)."),
    model: str = typer.Option(None, "--model", help="Base spaCy pipeline: shipped default, an installed package (en_core_web_sm) or a directory."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Extract actors, places, events and relations from articles into document records."""
    from kg.errors import KgError
    from kg.extract import extract_paths
    from kg.records import RecordWriter

    errors: list[KgError] = []
    with RecordWriter(output) as writer:
        for record in extract_paths(paths, model=model, progress=progress, errors=errors):
            writer.write(record)
    for err in errors:
        typer.echo(f"warning: {err}", err=True)
    typer.echo(f"wrote {writer.count} record(s) to {output}" + (f"; skipped {len(errors)} bad input(s)" if errors else ""), err=True)
    if writer.count == 0:
        raise fail("no article could be processed")
    if errors:
        raise typer.Exit(2)
