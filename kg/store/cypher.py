"""The Cypher the loader sends: pure functions returning query text.

Why: every write is ``UNWIND $rows AS row ... MERGE`` on a constrained key, so
loading the same records twice changes nothing, and every value (names,
evidence, ids) travels as a parameter, never as query text. The only things
spliced into query text are relationship types, and those come from the fixed
``Predicate`` -> type table below, never from data.

Lists that accumulate across documents (``sources``, ``aliases``,
``modalities``, ``dates``) only grow by values they do not hold yet, so a
rerun leaves them as they were.
"""

from __future__ import annotations

from types import MappingProxyType

from kg.models import Predicate

__all__ = [
    "PLAN_OPTIONS",
    "DOCUMENT_FIELDS",
    "RELATION_TYPES",
    "SCHEMA_STATEMENTS",
    "relation_type",
    "merge_documents",
    "merge_actors",
    "merge_places",
    "merge_mentions",
    "merge_events",
    "merge_statements",
    "EVENT_PROVENANCE",
    "STATEMENT_PROVENANCE",
]

PLAN_OPTIONS = "CYPHER replan=skip"
"""Prefix of every write query: keep the first plan.

Why: while a load grows the graph from empty, Neo4j's statistics diverge
every few seconds and it would replan each query again and again (34 times in
the first 3 minutes of a fresh 100,000-event load), spending on the planner
the CPU the load needs. Every lookup here is a unique-index seek whatever the statistics (a
test checks the plans on an empty database), so the first plan stays right.
"""

RELATION_TYPES = MappingProxyType({p: p.value.upper() for p in Predicate})
"""Relationship type of each predicate: ``allied_with`` -> ``ALLIED_WITH``."""

SCHEMA_STATEMENTS: tuple[str, ...] = (
    "CREATE CONSTRAINT kg_actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT kg_place_id IF NOT EXISTS FOR (p:Place) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT kg_event_key IF NOT EXISTS FOR (e:Event) REQUIRE e.key IS UNIQUE",
    "CREATE CONSTRAINT kg_document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.doc_id IS UNIQUE",
    "CREATE CONSTRAINT kg_statement_key IF NOT EXISTS FOR (s:Statement) REQUIRE s.key IS UNIQUE",
    "CREATE INDEX kg_event_date IF NOT EXISTS FOR (e:Event) ON (e.date_from)",
    "CREATE INDEX kg_event_type IF NOT EXISTS FOR (e:Event) ON (e.type)",
    "CREATE POINT INDEX kg_place_location IF NOT EXISTS FOR (p:Place) ON (p.location)",
    "CREATE INDEX kg_statement_predicate IF NOT EXISTS FOR (s:Statement) ON (s.predicate)",
)
"""Uniqueness constraints on every MERGE key, then the indexes the cookbook uses."""


def _grow(var: str, prop: str, values: str) -> str:
    """``SET`` clause adding to list ``var.prop`` the values of ``values`` it lacks, once each."""
    return f"{var}.{prop} = reduce(acc = coalesce({var}.{prop}, []), x IN {values} | CASE WHEN x IN acc THEN acc ELSE acc + x END)"


def relation_type(predicate: Predicate | str) -> str:
    """Relationship type for a predicate; raises ValueError for anything not in ``Predicate``."""
    return RELATION_TYPES[Predicate(predicate)]


DOCUMENT_FIELDS: tuple[str, ...] = ("published", "title", "url", "source", "pipeline")
"""Properties of a ``Document``: the ``DocRecord`` metadata."""


def merge_documents(fields: tuple[str, ...] = DOCUMENT_FIELDS) -> str:
    """Documents by ``doc_id``; metadata is the latest record's (a document is one source).

    Args:
        fields (tuple[str, ...]): the metadata properties. Defaults to ``DOCUMENT_FIELDS``.
    """
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (d:Document {doc_id: row.doc_id})\n"
        f"SET {_set_fields('d', 'row', fields)}"
    )


def merge_actors() -> str:
    """Actors by canonical id; the first record names and types them, aliases accumulate."""
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (a:Actor {id: row.id})\n"
        "ON CREATE SET a.name = row.name, a.type = row.type\n"
        f"SET a.qid = coalesce(a.qid, row.qid), {_grow('a', 'aliases', 'row.aliases')},\n"
        f"    {_grow('a', 'names_lc', 'row.names_lc')}"
    )


def merge_places() -> str:
    """Places by canonical id, with a WGS84 ``point`` location when coordinates are known."""
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (p:Place {id: row.id})\n"
        "ON CREATE SET p.name = row.name, p.type = row.type\n"
        "SET p.country = coalesce(p.country, row.country),\n"
        "    p.geonames_id = coalesce(p.geonames_id, row.geonames_id),\n"
        "    p.qid = coalesce(p.qid, row.qid),\n"
        "    p.location = coalesce(p.location, CASE WHEN row.lat IS NULL OR row.lon IS NULL THEN null\n"
        "        ELSE point({latitude: row.lat, longitude: row.lon}) END),\n"
        f"    {_grow('p', 'aliases', 'row.aliases')}, {_grow('p', 'names_lc', 'row.names_lc')}"
    )


EVENT_PROVENANCE: tuple[str, ...] = (
    "modality", "evidence", "sentence", "start", "end", "extractor", "confidence", "fatalities",
)
"""Properties of an event's ``REPORTED_IN``: the ``Event`` fields one source vouches for."""

STATEMENT_PROVENANCE: tuple[str, ...] = (
    "modality", "evidence", "sentence", "start", "end", "extractor", "confidence",
    "subject", "predicate", "object", "date",
)
"""Properties of a statement's ``REPORTED_IN``: the ``Relation`` as that source states it."""


def merge_mentions(label: str) -> str:
    """``(:Document)-[:MENTIONS]->(:Actor|:Place)`` with the document's mention offsets.

    Args:
        label (str): ``Actor`` or ``Place``.
    """
    if label not in ("Actor", "Place"):
        raise ValueError(f"mentions link documents to Actor or Place, not {label!r}")
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MATCH (d:Document {doc_id: row.doc_id})\n"
        f"MATCH (n:{label} {{id: row.id}})\n"
        "MERGE (d)-[m:MENTIONS]->(n)\n"
        "SET m.count = row.count, m.starts = row.starts, m.ends = row.ends, m.surface = row.surface"
    )


def _set_fields(var: str, source: str, fields: tuple[str, ...]) -> str:
    """``var.f = source.f`` for each field: names from the models, never from data."""
    for name in fields:
        if not name.isidentifier():
            raise ValueError(f"not a property name: {name!r}")
    return ", ".join(f"{var}.{name} = {source}.{name}" for name in fields)


def _reported_in(var: str, fields: tuple[str, ...]) -> str:
    """Subquery merging ``(var)-[:REPORTED_IN {at}]->(:Document)`` for each of ``row.reports``."""
    return (
        f"CALL ({var}, row) {{\n"
        "  UNWIND row.reports AS rep\n"
        "  MATCH (d:Document {doc_id: rep.doc_id})\n"
        f"  MERGE ({var})-[r:REPORTED_IN {{at: rep.at}}]->(d)\n"
        f"  SET {_set_fields('r', 'rep', fields)}\n"
        "}"
    )


def merge_events(provenance: tuple[str, ...] = EVENT_PROVENANCE) -> str:
    """Events by ``event_key`` with their agents, targets, place and sources.

    One row per distinct event in the batch: ``sources`` and ``modalities``
    grow by the documents and modalities of ``row.reports``, ``fatalities``
    keeps the highest toll any source gives, and each of
    ``row.reports`` becomes (or finds) one
    ``(:Event)-[:REPORTED_IN {at, sentence, start, end, modality, evidence, ...}]->(:Document)``.

    Args:
        provenance (tuple[str, ...]): the ``REPORTED_IN`` properties. Defaults to
            ``EVENT_PROVENANCE``.
    """
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (e:Event {key: row.key})\n"
        "ON CREATE SET e.type = row.type, e.date = row.date, e.date_precision = row.date_precision,\n"
        "    e.date_from = row.date_from, e.date_to = row.date_to\n"
        "SET e.fatalities = CASE WHEN e.fatalities IS NULL OR row.fatalities > e.fatalities\n"
        "        THEN coalesce(row.fatalities, e.fatalities) ELSE e.fatalities END,\n"
        f"    {_grow('e', 'sources', '[r IN row.reports | r.doc_id]')},\n"
        f"    {_grow('e', 'modalities', '[r IN row.reports | r.modality]')}\n"
        "WITH e, row\n"
        "CALL (e, row) {\n"
        "  UNWIND row.agents AS id\n"
        "  MATCH (a:Actor {id: id})\n"
        "  MERGE (a)-[:AGENT_OF]->(e)\n"
        "}\n"
        "CALL (e, row) {\n"
        "  UNWIND row.target_actors AS id\n"
        "  MATCH (a:Actor {id: id})\n"
        "  MERGE (e)-[:TARGETS]->(a)\n"
        "}\n"
        "CALL (e, row) {\n"
        "  UNWIND row.target_places AS id\n"
        "  MATCH (p:Place {id: id})\n"
        "  MERGE (e)-[:TARGETS]->(p)\n"
        "}\n"
        "CALL (e, row) {\n"
        "  WITH row WHERE row.location IS NOT NULL\n"
        "  MATCH (p:Place {id: row.location})\n"
        "  MERGE (e)-[:OCCURRED_AT]->(p)\n"
        "}\n"
        + _reported_in("e", provenance)
    )


def merge_statements(predicate: Predicate | str, provenance: tuple[str, ...] = STATEMENT_PROVENANCE) -> str:
    """Relations of one predicate: a ``Statement`` node, its sources, and the typed relationship.

    ``(:Statement {key})`` (``key`` is ``relation_key``: symmetric predicates
    have their endpoints sorted, so "A hostile_to B" and "B hostile_to A" are
    one statement) is linked to its ``SUBJECT`` and ``OBJECT`` actors and
    ``REPORTED_IN`` each source document; ``since`` is the start of the
    earliest date any source gives (null when none does). The typed
    relationship ``(s:Actor)-[:ALLIED_WITH {key, sources, modalities, dates, since}]->(o:Actor)``
    mirrors it for short queries. The type comes from ``RELATION_TYPES`` only.

    Args:
        predicate (Predicate | str): the predicate of every row.
        provenance (tuple[str, ...]): the ``REPORTED_IN`` properties. Defaults to
            ``STATEMENT_PROVENANCE``.
    """
    rel_type = relation_type(predicate)
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (st:Statement {key: row.key})\n"
        "ON CREATE SET st.predicate = row.predicate, st.subject = row.subject,\n"
        "    st.object = row.object, st.symmetric = row.symmetric\n"
        f"SET {_grow('st', 'sources', '[r IN row.reports | r.doc_id]')},\n"
        f"    {_grow('st', 'modalities', '[r IN row.reports | r.modality]')},\n"
        f"    {_grow('st', 'dates', '[r IN row.reports WHERE r.date IS NOT NULL | r.date]')}\n"
        "SET st.since = CASE WHEN size(st.dates) = 0 THEN null\n"
        "    ELSE date(reduce(m = st.dates[0], x IN st.dates | CASE WHEN x < m THEN x ELSE m END)) END\n"
        "WITH st, row\n"
        "MATCH (s:Actor {id: row.subject})\n"
        "MATCH (o:Actor {id: row.object})\n"
        "MERGE (st)-[:SUBJECT]->(s)\n"
        "MERGE (st)-[:OBJECT]->(o)\n"
        f"MERGE (s)-[rel:{rel_type}]->(o)\n"
        "SET rel.key = st.key, rel.sources = st.sources, rel.modalities = st.modalities,\n"
        "    rel.dates = st.dates, rel.since = st.since\n"
        "WITH st, row\n"
        + _reported_in("st", provenance)
    )
