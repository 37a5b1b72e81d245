"""What the conflict-kg components share: the entity registry on a Doc and mention look-ups.

Why: the entity, linking, event and relation components are separate spaCy
components (each its own module and factory), but they must agree on where
mentions live and what an entity is. Mentions are spans in
``doc.spans["kg_mentions"]`` labelled ``ACTOR`` or ``PLACE`` with the entity id
as ``kb_id_``; the entities themselves sit in ``doc._.kg_entities`` (id -> Entity).
A country name yields two spans over the same tokens: the State actor and the
Country place; which one a fact uses depends on its role in the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

__all__ = [
    "MENTIONS",
    "ACTOR",
    "PLACE",
    "Entity",
    "ensure_extensions",
    "entities",
    "mentions",
    "actor_mentions",
    "place_mentions",
    "mention_index",
    "add_mention",
]

MENTIONS = "kg_mentions"
ACTOR = "ACTOR"
PLACE = "PLACE"


@dataclass
class Entity:
    """A canonical actor or place known in one document.

    Attributes:
        id (str): canonical id (gazetteer id, or ``new-``-free slug for entities the gazetteer lacks).
        kind (str): ``"actor"`` or ``"place"``.
        name (str): canonical name.
        type (str): an ActorType or PlaceType value.
        aliases (set[str]): names the entity goes by.
        source (str): ``gazetteer``, ``ner`` or ``acronym``: where it came from.
        qid, country, lat, lon, geonames_id: reference data where known.
    """

    id: str
    kind: str
    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    source: str = "gazetteer"
    qid: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None


def ensure_extensions() -> None:
    """Register the Doc/Span extensions once (never ``force=True`` at import time)."""
    for name, default in (
        ("kg_entities", None),
        ("kg_events", None),
        ("kg_relations", None),
        ("kg_dates", None),
        ("kg_published", None),
        ("kg_doc_id", None),
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if not Span.has_extension("kg_coref"):
        Span.set_extension("kg_coref", default=False)


def entities(doc: Doc) -> dict[str, Entity]:
    """The document's entity registry (created on first use)."""
    if doc._.kg_entities is None:
        doc._.kg_entities = {}
    return doc._.kg_entities


def mentions(doc: Doc) -> list[Span]:
    return list(doc.spans[MENTIONS]) if MENTIONS in doc.spans else []


def actor_mentions(doc: Doc) -> list[Span]:
    return [s for s in mentions(doc) if s.label_ == ACTOR]


def place_mentions(doc: Doc) -> list[Span]:
    return [s for s in mentions(doc) if s.label_ == PLACE]


def add_mention(doc: Doc, span: Span) -> None:
    """Append one mention span to ``doc.spans["kg_mentions"]``."""
    if MENTIONS not in doc.spans:
        doc.spans[MENTIONS] = []
    doc.spans[MENTIONS].append(span)


def mention_index(doc: Doc) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
    """Token index -> the actor mentions, and the place mentions, covering that token."""
    actor_at: dict[int, list[Span]] = {}
    place_at: dict[int, list[Span]] = {}
    for s in mentions(doc):
        table = actor_at if s.label_ == ACTOR else place_at
        for i in range(s.start, s.end):
            table.setdefault(i, []).append(s)
    return actor_at, place_at


