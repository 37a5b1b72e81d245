"""``kg info``: what is installed, so anyone can inspect or evaluate the default pipeline."""

from __future__ import annotations

import json

import typer

from kg.cli.app import command

__all__ = ["info"]


@command("info")
def info(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the package version and the default spaCy pipeline (name, path, components)."""
    from kg import __version__
    from kg.base_pipeline import DEFAULT_PIPELINE, describe_pipeline

    data = {"version": __version__, **describe_pipeline(DEFAULT_PIPELINE)}
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        typer.echo(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
