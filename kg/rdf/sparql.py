"""Run the SPARQL cookbook (``kg/queries/*.rq``) on an export, parameters bound safely.

Why: the cookbook answers the same questions as the Cypher one (allies,
enemies, attacks by an actor between dates, an actor's timeline, the sources
behind a fact). Values are bound with ``initBindings``, never pasted into the
query text, so a hostile name cannot change a query. Each ``.rq`` file declares
its parameters in header lines::

    # @param actor IRI required the actor
    # @param at xsd:date optional only relations dated on or before this day
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import ExportError

__all__ = ["QUERIES", "QueryParam", "CookbookQuery", "cookbook", "run_query"]

QUERIES = ("allies", "enemies", "attacks_by", "timeline", "event_sources", "relation_sources")
"""Names of the cookbook queries (``kg/queries/NAME.rq``)."""

_PARAM_RE = re.compile(r"^#\s*@param\s+(\w+)\s+(IRI|xsd:date)\s+(required|optional)\s*(.*)$")
_INT_TYPES = {str(XSD.integer), str(XSD.nonNegativeInteger), str(XSD.int), str(XSD.long)}


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter.

    Attributes:
        name (str): the SPARQL variable, without ``?``.
        kind (str): ``IRI`` or ``xsd:date``.
        required (bool): whether the query needs it bound.
        help (str): what it means.
    """

    name: str
    kind: str
    required: bool
    help: str


@dataclass(frozen=True)
class CookbookQuery:
    """A cookbook query: its text, summary and parameters.

    Attributes:
        name (str): file stem.
        text (str): the SPARQL.
        summary (str): the comment lines before the parameters.
        params (tuple[QueryParam, ...]): declared parameters.
    """

    name: str
    text: str
    summary: str
    params: tuple[QueryParam, ...]


@lru_cache(maxsize=None)
def cookbook(name: str) -> CookbookQuery:
    """Load and parse ``kg/queries/NAME.rq``."""
    if name not in QUERIES:
        raise ExportError(f"no cookbook query {name!r}; choose one of {', '.join(QUERIES)}")
    text = resources.files("kg").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")
    summary, params = [], []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _PARAM_RE.match(line)
        if match:
            params.append(QueryParam(match[1], match[2], match[3] == "required", match[4]))
        elif not params:
            summary.append(line.lstrip("# ").rstrip())
    return CookbookQuery(name, text, " ".join(summary), tuple(params))


def _bind(param: QueryParam, value: object) -> Node:
    if param.kind == "IRI":
        if isinstance(value, URIRef):
            return value
        if isinstance(value, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$", value):
            return URIRef(value)
        raise ExportError(f"parameter {param.name!r} needs an absolute IRI, got {value!r}")
    if isinstance(value, Literal) and value.datatype == XSD.date:
        return value
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, str):
        try:
            return Literal(dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)
        except ValueError:
            pass
    raise ExportError(f"parameter {param.name!r} needs a day (YYYY-MM-DD), got {value!r}")


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype is not None and str(term.datatype) in _INT_TYPES:
            return int(term)
        return str(term)
    return str(term)


def run_query(graph: Graph, name: str, **params: object) -> list[dict[str, object]]:
    """Run a cookbook query; rows as dicts (IRIs and literals as str, integers as int, unbound as None).

    Args:
        graph (Graph): the export, parsed (for TriG/N-Quads, a union graph: see ``load_export``).
        name (str): one of ``QUERIES``.
        **params: the query's declared parameters: IRIs as ``str``/``URIRef``,
            days as ``datetime.date``, ``"YYYY-MM-DD"`` or an ``xsd:date`` literal.

    Raises:
        ExportError: unknown query, unknown or missing parameter, or a value of the wrong kind.
    """
    q = cookbook(name)
    declared = {p.name: p for p in q.params}
    unknown = set(params) - set(declared)
    if unknown:
        raise ExportError(f"query {name!r} has no parameter {', '.join(sorted(unknown))}")
    bindings = {}
    for p in q.params:
        value = params.get(p.name)
        if value is None:
            if p.required:
                raise ExportError(f"query {name!r} needs parameter {p.name!r} ({p.help})")
            continue
        bindings[p.name] = _bind(p, value)
    result = graph.query(q.text, initBindings=bindings)
    names = [str(v) for v in result.vars]
    return [{v: _python(row[i]) for i, v in enumerate(names)} for row in result]
