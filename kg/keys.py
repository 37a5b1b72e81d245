"""Stable identities for facts across documents.

Why: the Neo4j loader (``MERGE`` keys), the RDF exporter (IRIs) and the corpus
graph (node ids) must agree on when two records speak of the same actor,
place, event or relation, or a rerun would duplicate facts in one store and
not another.

- Actors and places: ``kg extract`` gives them canonical ids (the gazetteer id,
  or a slug of the name for entities the gazetteer lacks), so the id *is* the
  key across documents. Place ids always start with ``place-`` so they never
  collide with actor ids (Mali the State vs. Mali the Country).
- Events: a fingerprint of type, date, location, agents and targets, so the
  same event reported the same way by two articles is one node with two
  sources. (``kg build`` merges more loosely: compatible dates, overlapping
  arguments; see ``kg.corpus``.)
- Relations: subject, predicate, object; symmetric predicates sorted.
"""

from __future__ import annotations

import hashlib

from kg.models import SYMMETRIC_PREDICATES, Event, Predicate, Relation

__all__ = ["event_key", "relation_key", "relation_endpoints"]


def _digest(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def event_key(event: Event) -> str:
    """Fingerprint of an event: ``<type>-<16 hex>``, stable across documents and runs."""
    return f"{event.type.value}-" + _digest(
        event.type.value,
        event.date,
        event.location,
        ",".join(sorted(event.agents)),
        ",".join(sorted(event.targets)),
    )


def relation_endpoints(relation: Relation) -> tuple[str, str]:
    """Subject and object, sorted for symmetric predicates."""
    s, o = relation.subject, relation.object
    if Predicate(relation.predicate) in SYMMETRIC_PREDICATES and o < s:
        s, o = o, s
    return s, o


def relation_key(relation: Relation) -> str:
    """``subject|predicate|object`` with symmetric predicates in sorted order."""
    s, o = relation_endpoints(relation)
    return f"{s}|{relation.predicate.value}|{o}"
