"""The Cypher cookbook: named, parameterised queries in ``kg/queries/*.cypher``.

Why: analysts ask the same questions every day (allies, enemies, attacks
between dates, events near a place, timelines, paths, sources). Each lives
in one ``.cypher`` file they can also paste into Neo4j Browser; its header
declares the parameters, so ``kg query`` can check and convert arguments and
every value reaches the server as a parameter, never as query text.

Header format (comment lines at the top of the file)::

    // allies: actors allied with an actor, optionally at a date.
    // param actor (str): actor id, name or alias (case-insensitive).
    // param at (date, optional): only alliances known by this date.
    // param km (float, default 50): radius in kilometres.

Types: ``str``, ``int``, ``float``, ``date`` (an ISO date of any precision,
sent as the first day it covers) and ``date_end`` (the last day it covers:
``2024`` -> 2024-12-31).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import neo4j
from neo4j import spatial, time as ntime
from pydantic import TypeAdapter, ValidationError

from kg.errors import KgError
from kg.models import IsoDate
from kg.store.connection import open_driver, resolve_settings, store_errors
from kg.store.rows import date_span

__all__ = ["Param", "Query", "QueryError", "list_queries", "get_query", "bind_params", "run_query", "plain"]

_ISO_DATE: TypeAdapter[str | None] = TypeAdapter(IsoDate)
_TYPES = ("str", "int", "float", "date", "date_end")
_TITLE_RE = re.compile(r"^//\s*([a-z0-9-]+):\s*(.+)$")
_PARAM_RE = re.compile(
    r"^//\s*param\s+(\w+)\s+\((\w+)(?:,\s*(optional|default\s+(.+?)))?\):\s*(.*)$"
)


class QueryError(KgError):
    """An unknown cookbook query, or arguments that do not fit its parameters."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a cookbook query.

    Attributes:
        name (str): the ``$name`` in the Cypher.
        type (str): one of str, int, float, date, date_end.
        required (bool): True unless declared optional or with a default.
        default (object): the converted default (None for optional ones).
        help (str): what it means.
    """

    name: str
    type: str
    required: bool
    default: Any
    help: str


@dataclass(frozen=True)
class Query:
    """A cookbook query: its name, one-line description, parameters and Cypher text."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str


def _convert(param: Param, value: Any) -> Any:
    if value is None:
        return None
    try:
        if param.type == "int":
            return int(value)
        if param.type == "float":
            return float(value)
        if param.type in ("date", "date_end"):
            if isinstance(value, dt.date):
                return value
            first, last = date_span(_ISO_DATE.validate_python(str(value).strip()))
            return first if param.type == "date" else last
        return str(value)
    except (ValueError, ValidationError) as exc:
        raise QueryError(f"parameter {param.name!r} expects {param.type}, got {value!r}") from exc


def _parse(name: str, text: str) -> Query:
    description = ""
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        if m := _PARAM_RE.match(line):
            pname, ptype, flag, default, help_ = m.groups()
            if ptype not in _TYPES:
                raise QueryError(f"{name}.cypher: parameter {pname!r} has unknown type {ptype!r}")
            param = Param(pname, ptype, flag is None, None, help_.strip())
            if default is not None:
                param = Param(pname, ptype, False, _convert(param, default), help_.strip())
            params.append(param)
        elif (m := _TITLE_RE.match(line)) and not description:
            if m.group(1) != name:
                raise QueryError(f"{name}.cypher: header names the query {m.group(1)!r}")
            description = m.group(2).strip()
    if not description:
        raise QueryError(f"{name}.cypher: missing '// {name}: description' header line")
    return Query(name, description, tuple(params), text)


def list_queries() -> list[Query]:
    """Every cookbook query shipped in ``kg/queries``, sorted by name."""
    folder = resources.files("kg") / "queries"
    return [
        _parse(entry.name.removesuffix(".cypher"), entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".cypher")
    ]


def get_query(name: str) -> Query:
    """The cookbook query called ``name``; raises QueryError listing the known ones."""
    queries = {q.name: q for q in list_queries()}
    if name not in queries:
        raise QueryError(f"no cookbook query {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]


def bind_params(query: Query, args: list[str] | None = None, named: dict[str, Any] | None = None) -> dict[str, Any]:
    """Map positional and named arguments onto a query's declared parameters.

    Args:
        query (Query): the cookbook query.
        args (list[str] | None): positional values, in declaration order.
        named (dict[str, Any] | None): values by parameter name.

    Returns:
        dict[str, Any]: every declared parameter, converted; defaults filled in.

    Raises:
        QueryError: unknown name, too many values, a value given twice, a
            missing required parameter, or a value of the wrong type.
    """
    args = list(args or [])
    named = dict(named or {})
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(named) - set(declared))
    if unknown:
        raise QueryError(f"{query.name}: unknown parameter(s) {', '.join(unknown)}; it takes {_signature(query)}")
    if len(args) > len(query.params):
        raise QueryError(f"{query.name}: too many arguments; it takes {_signature(query)}")
    for param, value in zip(query.params, args):
        if param.name in named:
            raise QueryError(f"{query.name}: parameter {param.name!r} given twice")
        named[param.name] = value
    bound: dict[str, Any] = {}
    for param in query.params:
        if param.name in named and named[param.name] is not None:
            bound[param.name] = _convert(param, named[param.name])
        elif param.required:
            raise QueryError(f"{query.name}: missing parameter {param.name!r} ({param.help}); it takes {_signature(query)}")
        else:
            bound[param.name] = param.default
    return bound


def _signature(query: Query) -> str:
    parts = [p.name if p.required else f"[{p.name}]" for p in query.params]
    return " ".join(parts) or "no parameters"


def plain(value: Any) -> Any:
    """A query result value as plain JSON-friendly Python (dates as ISO strings, points as dicts)."""
    if isinstance(value, (ntime.Date, ntime.DateTime, ntime.Time, ntime.Duration, dt.date)):
        return value.isoformat()
    if isinstance(value, spatial.Point):
        if hasattr(value, "latitude"):
            return {"latitude": value.latitude, "longitude": value.longitude}
        return list(value)
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def run_query(
    name: str,
    params: dict[str, Any] | None = None,
    *,
    args: list[str] | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> list[dict[str, Any]]:
    """Run a cookbook query and return its rows as plain dicts, in the query's order.

    Args:
        name (str): the query (``kg query --list`` shows them).
        params (dict | None): values by parameter name.
        args (list[str] | None): positional values, in declaration order.
        uri, user, password, database: as for ``load_records`` (from the environment by default).

    Raises:
        QueryError: unknown query or bad arguments (checked before connecting).
        StoreError: server unreachable, credentials refused, or the query failed.
    """
    query = get_query(name)
    bound = bind_params(query, args, params)
    settings = resolve_settings(uri, user, password, database)
    with open_driver(settings) as driver, store_errors(settings, f"running query {name!r}"):
        with driver.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as session:
            records = session.execute_read(lambda tx: list(tx.run(query.text, bound)))
    return [{key: plain(value) for key, value in record.items()} for record in records]

