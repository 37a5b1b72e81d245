"""The one ``kg`` command and the decorator its sub-commands register with.

Why: every sub-command lives in a module of its own (extract, store, export,
build...), yet they must share one Typer app and one way of reporting errors:
a ``KgError`` becomes a single ``error: ...`` line on stderr and exit code 1,
never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import typer

from kg.errors import KgError

__all__ = ["app", "command", "fail"]

app = typer.Typer(
    name="kg",
    help="conflict-kg: news articles about armed conflict -> a typed, sourced knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``app.command`` that turns a ``KgError`` into one error line and exit 1."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*a: Any, **kw: Any) -> Any:
            try:
                return fn(*a, **kw)
            except KgError as exc:
                raise fail(str(exc)) from exc
            except KeyboardInterrupt:
                typer.echo("interrupted", err=True)
                sys.exit(130)

        return app.command(*args, **kwargs)(wrapper)

    return decorate


@app.callback()
def _root() -> None:
    """conflict-kg: news articles about armed conflict -> a typed, sourced knowledge graph.

    Typical run: ``kg build CORPUS_DIR -o OUT_DIR`` (extract, merge, export, draw).
    """
