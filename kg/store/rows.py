"""Cypher parameter rows for a batch of document records.

Why: the rows the loader sends derive from the pydantic models
(``model_dump``) and from ``kg.keys``, so the graph speaks of the same
actors, places, events and relations as the JSON records, the RDF export and
the corpus graph. Rows are de-duplicated per batch by their MERGE key (one
row per actor, place, event, statement), so no query updates the same node
from two rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.keys import event_key, relation_endpoints, relation_key
from kg.models import SYMMETRIC_PREDICATES, Actor, DocRecord, Event, Place, Predicate, Relation, date_precision
from kg.store.cypher import DOCUMENT_FIELDS, EVENT_PROVENANCE, STATEMENT_PROVENANCE

__all__ = ["BatchRows", "build_rows", "date_span", "provenance_at", "record_size"]

Row = dict[str, Any]

_ACTOR_FIELDS = {"id", "name", "type", "aliases", "qid"}
_PLACE_FIELDS = {"id", "name", "type", "country", "aliases", "lat", "lon", "geonames_id", "qid"}


@dataclass
class BatchRows:
    """The parameter lists of one write transaction, one list per query.

    Attributes:
        documents (list[dict]): ``{doc_id, published, title, url, source, pipeline}``.
        actors, places (list[dict]): one row per canonical id, aliases merged.
        actor_mentions, place_mentions (list[dict]): ``{doc_id, id, count, starts, ends, surface}``.
        events (list[dict]): one row per event key, ``reports`` holding one
            ``{doc_id, at, ...provenance}`` per statement of it (sources and
            modalities derive from them).
        statements (dict[Predicate, list[dict]]): one row per relation key, by
            predicate, with ``reports`` likewise.
    """

    documents: list[Row] = field(default_factory=list)
    actors: list[Row] = field(default_factory=list)
    places: list[Row] = field(default_factory=list)
    actor_mentions: list[Row] = field(default_factory=list)
    place_mentions: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    statements: dict[Predicate, list[Row]] = field(default_factory=dict)


def record_size(record: DocRecord) -> int:
    """How many rows a record contributes: the unit ``batch_size`` counts."""
    return 1 + len(record.actors) + len(record.places) + len(record.events) + len(record.relations)


def date_span(value: str | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day an ISO date of any precision covers: ``2024-02`` -> Feb 1..29."""
    if value is None:
        return None, None
    parts = [int(x) for x in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def provenance_at(fact: Event | Relation) -> str:
    """Key of one statement of a fact in a document: sentence, offsets and evidence digest.

    Two statements of the same fact in one document (two sentences) stay two
    ``REPORTED_IN`` relationships; the same statement loaded again is the same one.
    """
    digest = hashlib.sha1(fact.evidence.encode("utf-8")).hexdigest()[:10]
    pos = ["" if v is None else str(v) for v in (fact.sentence, fact.start, fact.end)]
    return ":".join([*pos, digest])


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _names_lc(entity: Actor | Place) -> list[str]:
    return _unique(n.lower() for n in (entity.id, entity.name, *entity.aliases))


def _add_entity(
    rows: dict[str, Row], known: dict[str, tuple[set[str], set[str]]], entity: Actor | Place, fields: set[str]
) -> None:
    """One row per canonical id: the first record's dump, later records' new aliases merged in.

    ``known`` holds, per id, the aliases and lower-cased names the row has
    already (a set, so a batch naming one actor in every record stays linear).
    """
    seen = rows.get(entity.id)
    if seen is None:
        row = entity.model_dump(mode="json", include=fields)
        row["aliases"] = _unique(row["aliases"])
        row["names_lc"] = _names_lc(entity)
        rows[entity.id] = row
        known[entity.id] = (set(row["aliases"]), set(row["names_lc"]))
        return
    aliases, names_lc = known[entity.id]
    for alias in entity.aliases:
        if alias not in aliases:
            aliases.add(alias)
            seen["aliases"].append(alias)
    for name in (entity.name, *entity.aliases):
        lowered = name.lower()
        if lowered not in names_lc:
            names_lc.add(lowered)
            seen["names_lc"].append(lowered)
    for name in fields:
        if seen[name] is None and getattr(entity, name) is not None:
            seen[name] = entity.model_dump(mode="json", include={name})[name]


def _mention_row(doc_id: str, entity: Actor | Place) -> Row:
    """Where a document names an entity; offsets left out (null) when the record has none."""
    mentions = entity.mentions
    if not mentions:
        return {"doc_id": doc_id, "id": entity.id, "count": 0, "starts": None, "ends": None, "surface": None}
    return {
        "doc_id": doc_id,
        "id": entity.id,
        "count": len(mentions),
        "starts": [m.start for m in mentions],
        "ends": [m.end for m in mentions],
        "surface": _unique(m.text for m in mentions),
    }


def _report(doc_id: str, fact: Event | Relation, dump: Row, fields: tuple[str, ...]) -> Row:
    """One source's statement of a fact: where it sits and how the source stands behind it."""
    report = {"doc_id": doc_id, "at": provenance_at(fact)}
    for name in fields:
        report[name] = dump[name]
    return report


def _add_report(row: Row, report: Row) -> None:
    """Another source's statement of a fact already in the batch (the same one again replaces it).

    ``sources``, ``modalities`` (and for relations ``dates``) stay the distinct
    values of the reports, in order: what a new node starts with, and what an
    existing one grows by.
    """
    reports = row["reports"]
    for i, seen in enumerate(reports):
        if (seen["doc_id"], seen["at"]) == (report["doc_id"], report["at"]):
            reports[i] = report
            break
    else:
        reports.append(report)
    for name, key in (("sources", "doc_id"), ("modalities", "modality"), ("dates", "date")):
        if name in row:
            row[name] = _unique(r[key] for r in reports if r[key] is not None)


def _add_event(rows: dict[str, Row], record: DocRecord, place_ids: set[str], event: Event) -> None:
    """One row per event key; a repeat (another source) adds its report and maybe a higher toll."""
    key = event_key(event)
    dump = event.model_dump(mode="json", exclude={"id", "agents", "targets"})
    report = _report(record.doc_id, event, dump, EVENT_PROVENANCE)
    seen = rows.get(key)
    if seen is not None:
        _add_report(seen, report)
        tolls = [t for t in (seen["fatalities"], dump["fatalities"]) if t is not None]
        seen["fatalities"] = max(tolls) if tolls else None
        return
    # ISO strings, made Neo4j dates by the query: the driver's Python date packing
    # cost ~16 us per event, Cypher's date() next to nothing.
    date_from, date_to = (None if d is None else d.isoformat() for d in date_span(event.date))
    rows[key] = {
        "key": key,
        "type": dump["type"],
        "date": dump["date"],
        "date_precision": date_precision(event.date),
        "date_from": date_from,
        "date_to": date_to,
        "fatalities": dump["fatalities"],
        "location": dump["location"],
        "agents": sorted(set(event.agents)),
        "target_actors": sorted({t for t in event.targets if t not in place_ids}),
        "target_places": sorted({t for t in event.targets if t in place_ids}),
        "reports": [report],
        "sources": [report["doc_id"]],
        "modalities": [report["modality"]],
    }


def _add_statement(rows: dict[str, Row], record: DocRecord, relation: Relation) -> None:
    """One row per relation key; a repeat (another source or direction) adds its report."""
    key = relation_key(relation)
    dump = relation.model_dump(mode="json")
    report = _report(record.doc_id, relation, dump, STATEMENT_PROVENANCE)
    seen = rows.get(key)
    if seen is not None:
        _add_report(seen, report)
        return
    subject, obj = relation_endpoints(relation)
    rows[key] = {
        "key": key,
        "predicate": dump["predicate"],
        "subject": subject,
        "object": obj,
        "symmetric": relation.predicate in SYMMETRIC_PREDICATES,
        "reports": [report],
        "sources": [report["doc_id"]],
        "modalities": [report["modality"]],
        "dates": [] if report["date"] is None else [report["date"]],
    }


def build_rows(records: Iterable[DocRecord]) -> BatchRows:
    """Turn a batch of records into the parameter rows of one write transaction."""
    rows = BatchRows()
    actors: dict[str, Row] = {}
    places: dict[str, Row] = {}
    events: dict[str, Row] = {}
    statements: dict[str, Row] = {}
    documents: dict[str, Row] = {}
    actor_mentions: dict[tuple[str, str], Row] = {}
    place_mentions: dict[tuple[str, str], Row] = {}
    known_actors: dict[str, tuple[set[str], set[str]]] = {}
    known_places: dict[str, tuple[set[str], set[str]]] = {}
    for record in records:
        # A document given twice in one batch is one document (the later record's
        # metadata and mentions): new documents' mentions are created, not merged.
        documents[record.doc_id] = record.model_dump(mode="json", include={"doc_id", *DOCUMENT_FIELDS})
        for actor in record.actors:
            _add_entity(actors, known_actors, actor, _ACTOR_FIELDS)
            actor_mentions[record.doc_id, actor.id] = _mention_row(record.doc_id, actor)
        for place in record.places:
            _add_entity(places, known_places, place, _PLACE_FIELDS)
            place_mentions[record.doc_id, place.id] = _mention_row(record.doc_id, place)
        place_ids = {p.id for p in record.places}
        for event in record.events:
            _add_event(events, record, place_ids, event)
        for relation in record.relations:
            _add_statement(statements, record, relation)
    # Rows in key order: every writer then takes the locks of a statement (unique-index
    # entries, nodes whose lists grow) in the same order, so two batches naming the
    # same actors queue instead of deadlocking (a deadlock rolls a whole batch back).
    rows.documents = [documents[k] for k in sorted(documents)]
    rows.actor_mentions = [actor_mentions[k] for k in sorted(actor_mentions)]
    rows.place_mentions = [place_mentions[k] for k in sorted(place_mentions)]
    rows.actors = [actors[k] for k in sorted(actors)]
    rows.places = [places[k] for k in sorted(places)]
    rows.events = [events[k] for k in sorted(events)]
    for key in sorted(statements):
        row = statements[key]
        rows.statements.setdefault(Predicate(row["predicate"]), []).append(row)
    return rows
