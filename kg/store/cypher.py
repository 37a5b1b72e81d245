"""The Cypher the loader sends: pure functions returning query text.

Why: every write is ``UNWIND $rows AS row ... MERGE`` on a constrained key, so
loading the same records twice changes nothing, and every value (names,
evidence, ids) travels as a parameter, never as query text. The only things
spliced into query text are relationship types, and those come from the fixed
``Predicate`` -> type table below, never from data.

Lists that accumulate across documents (``sources``, ``aliases``,
``modalities``, ``dates``) only grow by values they do not hold yet, so a
rerun leaves them as they were.

Two things let several writers load at once without losing a fact:

* **Lock, then read.** A node whose lists grow is written only when a row
  brings something it lacks (for actors and places, a read-only
  ``changed_nodes`` query asks first, without locks), and then the statement
  first takes the node's write lock (``SET n._kg_lock = true``) and only
  afterwards reads the lists it extends (Neo4j's documented cure for lost
  updates under read-committed isolation); a node with nothing new is never
  locked.
* **Create what is new.** The relationships of a node created in this
  transaction cannot exist yet, so they are ``CREATE``d (no existence check,
  no locks on the actors and places at the other end); facts already in the
  graph go through ``MERGE``. ``merge_documents`` returns the documents it
  created (a transient ``_kg_new`` flag, removed in the same statement), and
  ``existing_events`` asks which events are there before ``create_events``
  writes the others (a key created meanwhile by another transaction fails the
  uniqueness constraint, and the loader retries the batch).
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
    "changed_nodes",
    "merge_actors",
    "merge_places",
    "merge_mentions",
    "create_mentions",
    "existing_events",
    "create_events",
    "merge_events",
    "existing_statements",
    "create_statements",
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


NEW = "_kg_new"
"""Transient flag on a node created by the running statement (removed before it ends)."""

LOCK = "_kg_lock"
"""Transient property whose write takes a node's lock before its lists are read."""


def _created(var: str, key: str) -> str:
    """Tail of a node statement: drop the ``NEW`` flag and return the keys it marked."""
    return f"WITH {var}, row WHERE {var}.{NEW}\nREMOVE {var}.{NEW}\nRETURN {key} AS created"


def _locked_update(var: str, when: str, sets: str) -> str:
    """Subquery updating ``var`` only ``when`` a row brings something new: lock first, then read."""
    return (
        f"CALL ({var}, row) {{\n"
        f"  WITH {var}, row WHERE {var}.{NEW} IS NULL AND ({when})\n"
        f"  SET {var}.{LOCK} = true\n"
        f"  WITH {var}, row\n"
        f"  SET {sets}\n"
        f"  REMOVE {var}.{LOCK}\n"
        "}\n"
    )


def _lacks(var: str, prop: str, values: str) -> str:
    """Whether list ``values`` holds something list ``var.prop`` lacks."""
    return f"any(x IN {values} WHERE NOT x IN coalesce({var}.{prop}, []))"


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

    Returns one row ``created`` per document this statement created: their
    mentions and reports are new and can be created rather than merged.

    Args:
        fields (tuple[str, ...]): the metadata properties. Defaults to ``DOCUMENT_FIELDS``.
    """
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (d:Document {doc_id: row.doc_id})\n"
        f"ON CREATE SET d.{NEW} = true\n"
        f"SET {_set_fields('d', 'row', fields)}\n"
        + _created("d", "row.doc_id")
    )


def _actor_news(var: str) -> str:
    """Whether a row brings actor ``var`` something it lacks (a ``qid``, an alias, a name)."""
    return (
        f"({var}.qid IS NULL AND row.qid IS NOT NULL) OR {_lacks(var, 'aliases', 'row.aliases')}"
        f" OR {_lacks(var, 'names_lc', 'row.names_lc')}"
    )


def _place_news(var: str) -> str:
    """Whether a row brings place ``var`` something it lacks (ids, country, location, an alias, a name)."""
    missing = " OR ".join(
        f"({var}.{name} IS NULL AND row.{name} IS NOT NULL)" for name in ("country", "geonames_id", "qid")
    )
    return (
        f"{missing} OR ({var}.location IS NULL AND row.lat IS NOT NULL AND row.lon IS NOT NULL)"
        f" OR {_lacks(var, 'aliases', 'row.aliases')} OR {_lacks(var, 'names_lc', 'row.names_lc')}"
    )


_NEWS = MappingProxyType({"Actor": _actor_news, "Place": _place_news})


def changed_nodes(label: str) -> str:
    """Which rows of ``$rows`` name an ``Actor``/``Place`` the graph lacks or bring it something new.

    Returns one ``changed`` id per such row; ``merge_actors``/``merge_places``
    then write only those. Why: a read-only query seeks the unique index
    without locks, while the seeks of a writing query (``MERGE``, and even an
    ``OPTIONAL MATCH`` beside it) lock and wait for any transaction holding
    the node: with two writers, batches merging actors that were all there
    already queued behind the other batch's new events (``AGENT_OF`` locks
    its actors until commit). Measured on a 100,000-event load with one core
    busy elsewhere: 6-7 s in ``merge_actors`` against 1 s with one writer.
    Skipping a row is safe because a node only gains: what a committed node
    already covers stays covered, and a node another transaction has not
    committed yet is not seen, so its row goes to ``MERGE``.

    Args:
        label (str): ``Actor`` or ``Place``.
    """
    if label not in _NEWS:
        raise ValueError(f"changed_nodes reads Actor or Place, not {label!r}")
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        f"OPTIONAL MATCH (n:{label} {{id: row.id}})\n"
        f"WITH n, row WHERE n IS NULL OR {_NEWS[label]('n')}\n"
        "RETURN row.id AS changed"
    )


def merge_actors() -> str:
    """Actors by canonical id; the first record names and types them, aliases accumulate."""
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (a:Actor {id: row.id})\n"
        "ON CREATE SET a.name = row.name, a.type = row.type, a.qid = row.qid,\n"
        f"    a.aliases = row.aliases, a.names_lc = row.names_lc, a.{NEW} = true\n"
        "WITH a, row\n"
        + _locked_update(
            "a",
            _actor_news("a"),
            f"a.qid = coalesce(a.qid, row.qid), {_grow('a', 'aliases', 'row.aliases')},\n"
            f"      {_grow('a', 'names_lc', 'row.names_lc')}",
        )
        + f"WITH a WHERE a.{NEW}\nREMOVE a.{NEW}"
    )


_LOCATION = "CASE WHEN row.lat IS NULL OR row.lon IS NULL THEN null ELSE point({latitude: row.lat, longitude: row.lon}) END"


def merge_places() -> str:
    """Places by canonical id, with a WGS84 ``point`` location when coordinates are known."""
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (p:Place {id: row.id})\n"
        "ON CREATE SET p.name = row.name, p.type = row.type, p.country = row.country,\n"
        "    p.geonames_id = row.geonames_id, p.qid = row.qid, p.aliases = row.aliases,\n"
        f"    p.names_lc = row.names_lc, p.location = {_LOCATION}, p.{NEW} = true\n"
        "WITH p, row\n"
        + _locked_update(
            "p",
            _place_news("p"),
            "p.country = coalesce(p.country, row.country),\n"
            "      p.geonames_id = coalesce(p.geonames_id, row.geonames_id),\n"
            "      p.qid = coalesce(p.qid, row.qid),\n"
            f"      p.location = coalesce(p.location, {_LOCATION}),\n"
            f"      {_grow('p', 'aliases', 'row.aliases')}, {_grow('p', 'names_lc', 'row.names_lc')}",
        )
        + f"WITH p WHERE p.{NEW}\nREMOVE p.{NEW}"
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


_MENTION_FIELDS = ("count", "starts", "ends", "surface")


def _mentions(label: str, verb: str) -> str:
    if label not in ("Actor", "Place"):
        raise ValueError(f"mentions link documents to Actor or Place, not {label!r}")
    if verb == "CREATE":
        write = f"CREATE (d)-[m:MENTIONS {{{_map_fields('row', _MENTION_FIELDS)}}}]->(n)"
    else:
        write = f"MERGE (d)-[m:MENTIONS]->(n)\nSET {_set_fields('m', 'row', _MENTION_FIELDS)}"
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MATCH (d:Document {doc_id: row.doc_id})\n"
        f"MATCH (n:{label} {{id: row.id}})\n"
        + write
    )


def merge_mentions(label: str) -> str:
    """``(:Document)-[:MENTIONS]->(:Actor|:Place)`` with the document's mention offsets.

    Args:
        label (str): ``Actor`` or ``Place``.
    """
    return _mentions(label, "MERGE")


def create_mentions(label: str) -> str:
    """``merge_mentions`` for documents created in this transaction: their mentions cannot exist yet.

    Args:
        label (str): ``Actor`` or ``Place``.
    """
    return _mentions(label, "CREATE")


def _props(values: tuple[tuple[str, str], ...]) -> str:
    """``name: expression, ...``: the inside of a property map."""
    return ", ".join(f"{name}: {expr}" for name, expr in values)


def _assign(var: str, values: tuple[tuple[str, str], ...]) -> str:
    """``var.name = expression, ...``: the same properties as a ``SET`` list."""
    return ", ".join(f"{var}.{name} = {expr}" for name, expr in values)


def _from(source: str, fields: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each field taken from ``source``: names from the models, never from data."""
    for name in fields:
        if not name.isidentifier():
            raise ValueError(f"not a property name: {name!r}")
    return tuple((name, f"{source}.{name}") for name in fields)


def _map_fields(source: str, fields: tuple[str, ...]) -> str:
    """``f: source.f`` for each field, the inside of a property map."""
    return _props(_from(source, fields))


def _set_fields(var: str, source: str, fields: tuple[str, ...]) -> str:
    """``var.f = source.f`` for each field."""
    return _assign(var, _from(source, fields))


_EVENT_NODE = (
    ("type", "row.type"), ("date", "row.date"), ("date_precision", "row.date_precision"),
    ("date_from", "date(row.date_from)"), ("date_to", "date(row.date_to)"), ("fatalities", "row.fatalities"),
    ("sources", "row.sources"), ("modalities", "row.modalities"),
)
"""A new event's properties (``create_events`` and ``merge_events`` ``ON CREATE``)."""

_STATEMENT_NODE = (
    *_from("row", ("predicate", "subject", "object", "symmetric", "sources", "modalities", "dates")),
)
"""A new statement's properties besides ``key`` and ``since``."""


def _reported_in(var: str, fields: tuple[str, ...], verb: str = "MERGE") -> str:
    """Subquery merging (or creating) ``(var)-[:REPORTED_IN {at}]->(:Document)`` for each of ``row.reports``.

    A created relationship takes its properties in the pattern (measured ~5%
    less server time than a separate ``SET``); a merged one matches on ``at``
    only and then sets the rest.
    """
    if verb == "CREATE":
        write = f"  CREATE ({var})-[r:REPORTED_IN {{at: rep.at, {_map_fields('rep', fields)}}}]->(d)\n"
    else:
        write = f"  MERGE ({var})-[r:REPORTED_IN {{at: rep.at}}]->(d)\n  SET {_set_fields('r', 'rep', fields)}\n"
    return (
        f"CALL ({var}, row) {{\n"
        "  UNWIND row.reports AS rep\n"
        "  MATCH (d:Document {doc_id: rep.doc_id})\n"
        + write
        + "}"
    )


def _existing(label: str) -> str:
    """Which of the keys in ``$rows`` the graph holds as ``label`` nodes (one ``existing`` row each)."""
    return f"{PLAN_OPTIONS}\nUNWIND $rows AS key\nMATCH (n:{label} {{key: key}})\nRETURN n.key AS existing"


def existing_events() -> str:
    """Which of the event keys in ``$rows`` the graph holds already (one ``existing`` row each)."""
    return _existing("Event")


def _event_links(verb: str, provenance: tuple[str, ...]) -> str:
    """Subqueries linking ``e`` to its agents, targets, place and sources (``row.reports``)."""
    return (
        "CALL (e, row) {\n"
        "  UNWIND row.agents AS id\n"
        "  MATCH (a:Actor {id: id})\n"
        f"  {verb} (a)-[:AGENT_OF]->(e)\n"
        "}\n"
        "CALL (e, row) {\n"
        "  UNWIND row.target_actors AS id\n"
        "  MATCH (a:Actor {id: id})\n"
        f"  {verb} (e)-[:TARGETS]->(a)\n"
        "}\n"
        "CALL (e, row) {\n"
        "  UNWIND row.target_places AS id\n"
        "  MATCH (p:Place {id: id})\n"
        f"  {verb} (e)-[:TARGETS]->(p)\n"
        "}\n"
        "CALL (e, row) {\n"
        "  WITH row WHERE row.location IS NOT NULL\n"
        "  MATCH (p:Place {id: row.location})\n"
        f"  {verb} (e)-[:OCCURRED_AT]->(p)\n"
        "}\n"
        + _reported_in("e", provenance, verb)
    )


def create_events(provenance: tuple[str, ...] = EVENT_PROVENANCE) -> str:
    """New events (keys ``existing_events`` did not find) with all their links, created outright.

    A new event's relationships cannot exist yet, so nothing is merged: no
    existence checks and no locks on the actors and places at the other end.
    If another transaction creates the same key meanwhile, the uniqueness
    constraint fails this one and the loader retries the batch, which then
    finds the event and merges into it.

    Args:
        provenance (tuple[str, ...]): the ``REPORTED_IN`` properties. Defaults to
            ``EVENT_PROVENANCE``.
    """
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        f"CREATE (e:Event {{key: row.key, {_props(_EVENT_NODE)}}})\n"
        "WITH e, row\n"
        + _event_links("CREATE", provenance)
    )


def merge_events(provenance: tuple[str, ...] = EVENT_PROVENANCE) -> str:
    """Events by ``event_key`` with their agents, targets, place and sources, merged.

    One row per distinct event in the batch. ``sources`` and ``modalities``
    grow by the documents and modalities of ``row.reports``, ``fatalities``
    keeps the highest toll any source gives (under the event's lock, and only
    when the row brings something new), and each of ``row.reports`` becomes
    (or finds) one
    ``(:Event)-[:REPORTED_IN {at, sentence, start, end, modality, evidence, ...}]->(:Document)``.

    Args:
        provenance (tuple[str, ...]): the ``REPORTED_IN`` properties. Defaults to
            ``EVENT_PROVENANCE``.
    """
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MERGE (e:Event {key: row.key})\n"
        f"ON CREATE SET {_assign('e', _EVENT_NODE)}, e.{NEW} = true\n"
        "WITH e, row\n"
        + _locked_update(
            "e",
            f"{_lacks('e', 'sources', 'row.sources')} OR {_lacks('e', 'modalities', 'row.modalities')}"
            " OR row.fatalities > coalesce(e.fatalities, -1)",
            "e.fatalities = CASE WHEN e.fatalities IS NULL OR row.fatalities > e.fatalities\n"
            "        THEN coalesce(row.fatalities, e.fatalities) ELSE e.fatalities END,\n"
            f"      {_grow('e', 'sources', 'row.sources')}, {_grow('e', 'modalities', 'row.modalities')}",
        )
        + f"REMOVE e.{NEW}\n"
        "WITH e, row\n"
        + _event_links("MERGE", provenance)
    )


def _since(dates: str) -> str:
    """The earliest of a list of ISO dates of any precision, as a Neo4j date (null when empty)."""
    return (
        f"CASE WHEN size({dates}) = 0 THEN null "
        f"ELSE date(reduce(m = {dates}[0], x IN {dates} | CASE WHEN x < m THEN x ELSE m END)) END"
    )


def existing_statements() -> str:
    """Which of the statement keys in ``$rows`` the graph holds already (one ``existing`` row each)."""
    return _existing("Statement")


def create_statements(predicate: Predicate | str, provenance: tuple[str, ...] = STATEMENT_PROVENANCE) -> str:
    """New statements of one predicate (keys ``existing_statements`` did not find), created outright.

    The statement node, its ``SUBJECT``/``OBJECT`` links, the typed
    relationship it owns and its ``REPORTED_IN`` sources cannot exist yet, so
    nothing is merged and the actors at either end are not locked. A key
    another transaction creates meanwhile fails the uniqueness constraint and
    the loader retries the batch (see ``create_events``).

    Args:
        predicate (Predicate | str): the predicate of every row.
        provenance (tuple[str, ...]): the ``REPORTED_IN`` properties. Defaults to
            ``STATEMENT_PROVENANCE``.
    """
    rel_type = relation_type(predicate)
    return (
        f"{PLAN_OPTIONS}\n"
        "UNWIND $rows AS row\n"
        "MATCH (s:Actor {id: row.subject})\n"
        "MATCH (o:Actor {id: row.object})\n"
        f"WITH row, s, o, {_since('row.dates')} AS since\n"
        f"CREATE (st:Statement {{key: row.key, {_props(_STATEMENT_NODE)}, since: since}})\n"
        "CREATE (st)-[:SUBJECT]->(s), (st)-[:OBJECT]->(o)\n"
        f"CREATE (s)-[:{rel_type} {{key: row.key, sources: row.sources, modalities: row.modalities,\n"
        "    dates: row.dates, since: since}]->(o)\n"
        "WITH st, row\n"
        + _reported_in("st", provenance, "CREATE")
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
        f"ON CREATE SET {_assign('st', _STATEMENT_NODE)}, st.since = {_since('row.dates')}, st.{NEW} = true\n"
        "WITH st, row\n"
        + _locked_update(
            "st",
            f"{_lacks('st', 'sources', 'row.sources')} OR {_lacks('st', 'modalities', 'row.modalities')}"
            f" OR {_lacks('st', 'dates', 'row.dates')}",
            f"{_grow('st', 'sources', 'row.sources')},\n"
            f"      {_grow('st', 'modalities', 'row.modalities')},\n"
            f"      {_grow('st', 'dates', 'row.dates')}\n"
            f"  SET st.since = {_since('st.dates')}",
        )
        + "WITH st, row\n"
        "MATCH (s:Actor {id: row.subject})\n"
        "MATCH (o:Actor {id: row.object})\n"
        "MERGE (st)-[:SUBJECT]->(s)\n"
        "MERGE (st)-[:OBJECT]->(o)\n"
        f"MERGE (s)-[rel:{rel_type}]->(o)\n"
        "SET rel.key = st.key, rel.sources = st.sources, rel.modalities = st.modalities,\n"
        "    rel.dates = st.dates, rel.since = st.since\n"
        "WITH st, row\n"
        + _reported_in("st", provenance)
        + f"\nWITH st WHERE st.{NEW}\nREMOVE st.{NEW}"
    )
