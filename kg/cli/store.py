"""``kg load`` and ``kg query``: the Neo4j store from the command line.

Why: analysts load each day's records and ask the cookbook's questions
without writing Cypher; credentials come from ``NEO4J_USER`` /
``NEO4J_PASSWORD`` only, never from options that ``ps`` or shell history
would keep.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from kg.cli.app import command

__all__ = ["load", "query"]

_URI_HELP = "Bolt URI. Defaults to NEO4J_URI, then bolt://127.0.0.1:7687 (user and password: NEO4J_USER / NEO4J_PASSWORD)."
_DB_HELP = "Database name. Defaults to NEO4J_DATABASE, then the server's default."


@command("load")
def load(
    records: Path = typer.Argument(..., help="Records file (JSONL, kg-docrecord/1), e.g. from kg extract."),
    uri: Optional[str] = typer.Option(None, "--uri", help=_URI_HELP),
    database: Optional[str] = typer.Option(None, "--database", help=_DB_HELP),
    batch_size: int = typer.Option(1000, "--batch-size", min=1, help="Rows per transaction (whole records)."),
    writers: int = typer.Option(2, "--writers", min=1, max=16, help="Transactions in flight at once."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the load statistics as JSON."),
) -> None:
    """Load records into Neo4j (MERGE: rerunning changes nothing, new articles add sources)."""
    from kg.records import read_records
    from kg.store import load_records

    rows = read_records(records)  # every line validated before anything is written
    stats = load_records(rows, uri=uri, database=database, batch_size=batch_size, writers=writers, progress=progress)
    if as_json:
        typer.echo(json.dumps(stats.as_dict(), indent=2))
        return
    typer.echo(
        f"loaded {stats.documents} documents ({stats.events} events, {stats.relations} relations) "
        f"in {stats.batches} batches, {stats.seconds:.1f} s ({stats.events_per_second:,.0f} events/s): "
        f"{stats.nodes_created} nodes and {stats.relationships_created} relationships created"
        + (f"; {stats.retries} batches retried after transient errors" if stats.retries else "")
    )


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from kg.store import QueryError

    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param expects NAME=VALUE, got {pair!r}")
        params[name.strip()] = value
    return params


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _print_table(title: str, rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not rows:
        console.print(Text(f"{title}: no rows"))
        return
    table = Table(title=Text(title), show_lines=False)
    for column in rows[0]:
        table.add_column(Text(column), overflow="fold")  # fold, never cut: ids and keys stay whole
    for row in rows:
        # Text cells: names like "[bold]" or "Robert'); ..." are data, never markup.
        table.add_row(*(Text(_cell(v)) for v in row.values()))
    console.print(table)
    console.print(Text(f"{len(rows)} row(s)"))


def _print_cookbook() -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kg.store import list_queries

    table = Table(title="kg query cookbook (kg/queries/*.cypher)")
    table.add_column("query", no_wrap=True)
    table.add_column("arguments")
    table.add_column("what it answers")
    for q in list_queries():
        args = "\n".join(
            f"{p.name} ({p.type}{'' if p.required else ', default ' + str(p.default) if p.default is not None else ', optional'}): {p.help}"
            for p in q.params
        )
        table.add_row(Text(q.name), Text(args), Text(q.description))
    Console().print(table)


@command("query")
def query(
    name: Optional[str] = typer.Argument(None, help="Cookbook query name (see --list)."),
    args: Optional[list[str]] = typer.Argument(None, help="Argument values, in the query's parameter order."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="NAME=VALUE; repeatable."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    list_: bool = typer.Option(False, "--list", help="List the cookbook queries and their parameters."),
    uri: Optional[str] = typer.Option(None, "--uri", help=_URI_HELP),
    database: Optional[str] = typer.Option(None, "--database", help=_DB_HELP),
) -> None:
    """Run a named, parameterised Cypher query from the cookbook and print a table.

    Examples: kg query allies JNIM --param at=2024-03-01;
    kg query attacks-by JNIM 2024-01-01 2024-12-31; kg query events-near Bamako 50.
    """
    from kg.store import QueryError, run_query

    if list_:
        _print_cookbook()
        return
    if name is None:
        raise QueryError("give a query name (kg query --list shows them)")
    rows = run_query(name, _parse_params(param or []), args=list(args or []), uri=uri, database=database)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _print_table(name, rows)
