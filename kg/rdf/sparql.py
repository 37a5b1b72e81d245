"""Run the SPARQL cookbook (``kg/queries/*.rq``) on an export, parameters bound safely.

Why: the cookbook answers the same questions as the Cypher one (allies,
enemies, attacks by an actor between dates, an actor's timeline, the sources
behind a fact). Values are bound with ``initBindings``, never pasted into the
query text, so a hostile name cannot change a query. Each ``.rq`` file declares
its parameters in header lines::

    # @param actor actor required the actor (IRI, or its id)
    # @param at date optional keep relations dated on or before this day

Kinds: ``actor`` (an IRI or an actor id, minted under the export's base),
``event`` (an IRI or an event key), ``predicate`` and ``eventtype`` (an IRI or
a FORMAT.md name), ``date`` and ``date_end`` (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``: the first, resp. last, day of that period, as ``xsd:date``).
A string that looks like an absolute IRI (``scheme:rest``) is taken as an IRI;
for an id holding a colon pass ``URIRef(actor_iri(id))``.
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
from kg.models import EventType, Predicate
from kg.rdf.export import date_bounds
from kg.rdf.iris import DEFAULT_BASE, IriMinter, segment
from kg.rdf.namespace import CKG_NS

__all__ = ["QUERIES", "QueryParam", "CookbookQuery", "cookbook", "run_query"]

QUERIES = ("allies", "enemies", "attacks-by", "timeline", "sources")
"""Names of the cookbook queries (``kg/queries/NAME.rq``)."""

_PARAM_RE = re.compile(r"^#\s*@param\s+(\w+)\s+(actor|event|predicate|eventtype|date|date_end)\s+(required|optional)\s*(.*)$")
_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_INT_TYPES = {str(XSD.integer), str(XSD.nonNegativeInteger), str(XSD.int), str(XSD.long)}


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter.

    Attributes:
        name (str): the SPARQL variable, without ``?``.
        kind (str): ``actor``, ``event``, ``predicate``, ``eventtype``, ``date`` or ``date_end``.
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


def _bind(param: QueryParam, value: object, m: IriMinter) -> Node:
    kind = param.kind
    if kind in ("date", "date_end"):
        if isinstance(value, Literal) and value.datatype == XSD.date:
            return value
        if isinstance(value, dt.date):
            return Literal(value.isoformat(), datatype=XSD.date)
        if isinstance(value, str) and _DATE_RE.match(value):
            first, last = date_bounds(value)
            return Literal((first if kind == "date" else last).isoformat(), datatype=XSD.date)
        raise ExportError(f"parameter {param.name!r} needs a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    if isinstance(value, URIRef):
        return value
    if not isinstance(value, str) or not value:
        raise ExportError(f"parameter {param.name!r} needs an IRI or a name, got {value!r}")
    if kind in ("predicate", "eventtype"):
        allowed = Predicate if kind == "predicate" else EventType
        if value in allowed.__members__:
            return URIRef(CKG_NS + value)
    elif kind == "actor" and not _IRI_RE.match(value):
        return URIRef(m.actor(value))
    elif kind == "event" and not _IRI_RE.match(value):
        return URIRef(f"{m.base}event/{segment(value)}")
    if _IRI_RE.match(value):
        return URIRef(value)
    raise ExportError(f"parameter {param.name!r}: {value!r} is neither an IRI nor a known {kind} name")


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype is not None and str(term.datatype) in _INT_TYPES:
            return int(term)
        return str(term)
    return str(term)


def run_query(graph: Graph, name: str, *, base: str = DEFAULT_BASE, **params: object) -> list[dict[str, object]]:
    """Run a cookbook query on an export; rows as dicts (IRIs and literals as str, integers as int, unbound as None).

    Args:
        graph (Graph): the export, parsed (for TriG/N-Quads, a union graph: see ``load_export``).
        name (str): one of ``QUERIES``.
        base (str): base the export's IRIs were minted under, to turn ids into
            IRIs. Defaults to ``DEFAULT_BASE``.
        **params: the query's declared parameters (see the module docstring for
            each kind); a parameter given as None counts as not given.

    Raises:
        ExportError: unknown query, unknown or missing parameter, or a value of the wrong kind.
    """
    q = cookbook(name)
    declared = {p.name: p for p in q.params}
    unknown = set(params) - set(declared)
    if unknown:
        raise ExportError(f"query {name!r} has no parameter {', '.join(sorted(unknown))}")
    m = IriMinter(base)
    bindings = {}
    for p in q.params:
        value = params.get(p.name)
        if value is None:
            if p.required:
                raise ExportError(f"query {name!r} needs parameter {p.name!r} ({p.help})")
            continue
        bindings[p.name] = _bind(p, value, m)
    result = graph.query(q.text, initBindings=bindings)
    names = [str(v) for v in result.vars]
    return [{v: _python(row[i]) for i, v in enumerate(names)} for row in result]
