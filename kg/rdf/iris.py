"""IRIs of the exported graph: stable, readable and safe for any id.

Why: the same actor, place, event or relation must get the same IRI in every
export and agree with the Neo4j keys (``kg.keys``), whatever characters the
id holds. Readable ASCII slugs stay as they are (``.../actor/jnim``); anything
else is percent-encoded as UTF-8 (quotes, spaces, slashes, braces, non-Latin
script), so an id can never break out of its path segment or its IRI.

Scheme, under a configurable base (``DEFAULT_BASE``)::

    actor/{id}                          an actor (sem:Actor)
    place/{id}                          a place (sem:Place)
    place/{id}/geometry                 its GeoSPARQL point
    event/{event_key}                   an event, shared by every document reporting it
    doc/{doc_id}                        a document (ckg:Document)
    doc/{doc_id}/graph                  the named graph of what it asserts (TriG/N-Quads)
    doc/{doc_id}/extraction             the extraction run that read it (prov:Activity)
    doc/{doc_id}/event/{event_key}      its account of an event (ckg:EventAssertion); /2, /3... if repeated
    doc/{doc_id}/relation/{s}/{p}/{o}   its account of a relation (ckg:RelationAssertion); /2, /3... if repeated
    agent/{name}                        a pipeline or extractor (prov:SoftwareAgent)
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from kg.errors import ExportError
from kg.keys import event_key, relation_endpoints
from kg.models import Event, Relation

__all__ = ["DEFAULT_BASE", "check_base", "segment", "IriMinter", "actor_iri", "place_iri", "event_iri"]

DEFAULT_BASE = "https://w3id.org/conflict-kg/id/"
"""Base of every data IRI; override with ``kg export --base``."""

_BASE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def check_base(base: str) -> str:
    """Return ``base`` if it is an absolute IRI ending in ``/`` or ``#``; raise ``ExportError`` otherwise."""
    if not _BASE_RE.match(base or ""):
        raise ExportError(f"base IRI {base!r} is not an absolute IRI (scheme:..., no spaces, quotes or brackets)")
    if base[-1] not in "/#":
        raise ExportError(f"base IRI {base!r} must end with '/' or '#'")
    if "#" in base[:-1]:
        raise ExportError(f"base IRI {base!r} may hold '#' only as its last character")
    return base


@lru_cache(maxsize=65536)
def segment(value: str) -> str:
    """One path segment for an id: unreserved ASCII kept, everything else percent-encoded UTF-8.

    ``/`` is encoded too, so an id never adds a path level; a segment made only
    of dots is encoded so no IRI resolver can treat it as ``.`` or ``..``.
    """
    if not value:
        raise ExportError("cannot mint an IRI for an empty id")
    seg = quote(value, safe="", encoding="utf-8", errors="surrogatepass")
    if not seg.strip("."):
        seg = seg.replace(".", "%2E")
    return seg


class IriMinter:
    """Mints every IRI of one export under one base.

    Attributes:
        base (str): absolute IRI ending in ``/`` or ``#``. Defaults to ``DEFAULT_BASE``.
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = check_base(base)

    def actor(self, actor_id: str) -> str:
        """IRI of an actor by its canonical id."""
        return f"{self.base}actor/{segment(actor_id)}"

    def place(self, place_id: str) -> str:
        """IRI of a place by its canonical id."""
        return f"{self.base}place/{segment(place_id)}"

    def geometry(self, place_id: str) -> str:
        """IRI of a place's GeoSPARQL point geometry."""
        return f"{self.base}place/{segment(place_id)}/geometry"

    def event(self, event: Event) -> str:
        """IRI of an event: its ``event_key`` fingerprint, shared across documents."""
        return f"{self.base}event/{event_key(event)}"

    def doc(self, doc_id: str) -> str:
        """IRI of a source document."""
        return f"{self.base}doc/{segment(doc_id)}"

    def graph(self, doc_id: str) -> str:
        """IRI of the named graph holding what a document asserts."""
        return f"{self.doc(doc_id)}/graph"

    def extraction(self, doc_id: str) -> str:
        """IRI of the extraction activity that read a document."""
        return f"{self.doc(doc_id)}/extraction"

    def event_assertion(self, doc_id: str, event: Event, occurrence: int = 1) -> str:
        """IRI of one document's account of an event; ``/2``, ``/3``... when it states the same event again."""
        suffix = "" if occurrence == 1 else f"/{occurrence}"
        return f"{self.doc(doc_id)}/event/{event_key(event)}{suffix}"

    def relation_assertion(self, doc_id: str, relation: Relation, occurrence: int = 1) -> str:
        """IRI of one document's account of a relation (symmetric predicates in sorted order).

        ``/2``, ``/3``... when the document states the same relation again (perhaps
        with another modality or date), so each statement keeps its own provenance.
        """
        s, o = relation_endpoints(relation)
        suffix = "" if occurrence == 1 else f"/{occurrence}"
        return f"{self.doc(doc_id)}/relation/{segment(s)}/{relation.predicate.value}/{segment(o)}{suffix}"

    def agent(self, name: str) -> str:
        """IRI of a software agent (pipeline or extractor component)."""
        return f"{self.base}agent/{segment(name)}"


def actor_iri(actor_id: str, base: str = DEFAULT_BASE) -> str:
    """IRI of an actor, e.g. to bind ``?actor`` in a cookbook query."""
    return IriMinter(base).actor(actor_id)


def place_iri(place_id: str, base: str = DEFAULT_BASE) -> str:
    """IRI of a place."""
    return IriMinter(base).place(place_id)


def event_iri(event: Event, base: str = DEFAULT_BASE) -> str:
    """IRI of an event (from its ``event_key``)."""
    return IriMinter(base).event(event)
