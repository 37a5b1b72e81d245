"""Merge document records into one corpus graph, de-duplicating events.

Why: a user looks at the corpus, not at single articles. The same attack is
reported by several articles; conflict-event datasets (ACLED, UCDP) keep it
once, with every source and a source count. This module does that merge and
returns a ``networkx.MultiDiGraph`` that the writers (``kg.outputs``), the
pictures (``kg.plots``) and user scripts (``kg.api``) all read.

Merge rule (also in ``docs/build.md``):

- Actors and places: one node per canonical id (ids from the extractor are
  canonical across documents). Aliases are unioned, mention counts summed,
  the name and type are the most common ones (ties: alphabetical).
- Events: two reports are the same event when
  1. the types are equal, and both or neither are ``hypothetical``;
  2. the dates are compatible: equal at the coarser precision (``2024``
     ~ ``2024-03`` ~ ``2024-03-01``), or one is null. Two undated reports
     merge only when agents, targets and location agree fully;
  3. the locations are compatible: equal, one null, or one is a ``Country``
     place and the other lies in that country;
  4. the arguments overlap: they share an agent or a target (for
     ``armed_clash``, whose sides are symmetric, any participant); two
     reports with no agents and no targets must share a location.
  A report compatible with two reports that are not compatible with each
  other ("JNIM attacked in Mali in March 2024" next to attacks on Kati on
  1 March and on Timbuktu on 5 March) is ambiguous: it stays an event of
  its own rather than being credited to one of them. The others are
  clustered per type with complete linkage: candidate pairs are taken
  strongest first (then by a content key) and two clusters join only if
  every pair across them is compatible, so nothing chains two distinct
  events into one. The result does not depend on record or event order.
  The merged event unions agents and targets, keeps the most precise date
  and the most specific location, the highest stated fatalities with the
  range (``fatalities_min``/``fatalities_max``), the strongest modality
  (asserted > reported > unconfirmed > denied), and every source (document,
  sentence, offsets, evidence, modality). ``source_count`` is the number of
  distinct documents; ``report_count`` the number of reports.
- Relations: one per ``kg.keys.relation_key`` (symmetric predicates in
  sorted order) with all their sources; ``date`` is the earliest stated date.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.keys import event_key, relation_endpoints, relation_key
from kg.models import SYMMETRIC_PREDICATES, DocRecord, Event, EventType, Modality, Predicate
from kg.names import normalize_name

__all__ = [
    "Source",
    "CorpusActor",
    "CorpusPlace",
    "CorpusEvent",
    "CorpusRelation",
    "Corpus",
    "merge_records",
    "build_corpus_graph",
    "events_compatible",
    "dates_compatible",
    "date_bounds",
    "nodes_of_kind",
    "find_actors",
    "find_places",
    "filter_events",
    "event_years",
    "short_name",
]

# Strongest first; hypothetical events are never merged with others.
_MODALITY_RANK = {
    Modality.asserted: 0,
    Modality.reported: 1,
    Modality.unconfirmed: 2,
    Modality.denied: 3,
    Modality.hypothetical: 4,
}


# --------------------------------------------------------------------- dates
def date_bounds(value: str | _dt.date | None, *, end: bool = False) -> _dt.date | None:
    """First (or with ``end=True`` last) day an ISO date of any precision covers.

    Args:
        value (str | date | None): ``2024``, ``2024-03``, ``2024-03-01`` or a ``date``.
        end (bool): return the last day instead of the first. Defaults to False.
    """
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return value
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return _dt.date(year, 12, 31) if end else _dt.date(year, 1, 1)
    month = parts[1]
    if len(parts) == 2:
        return _dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return _dt.date(year, month, parts[2])


def dates_compatible(a: str | None, b: str | None) -> bool:
    """True when one date is null or both agree at the coarser precision."""
    if a is None or b is None:
        return True
    n = min(len(a), len(b))
    return a[:n] == b[:n]


# ------------------------------------------------------------- merged facts
@dataclass(frozen=True)
class Source:
    """One report of a fact: which document said it, where, and how sure.

    Attributes:
        doc_id (str): the document.
        title (str | None): its title.
        published (str | None): its publication date.
        sentence (int | None): sentence index of the evidence.
        start (int | None): character offset of the evidence.
        end (int | None): end offset of the evidence.
        evidence (str): the sentence or clause.
        modality (str): how this source stands behind the fact.
        date (str | None): the date this source gives. Defaults to None.
        fatalities (int | None): the death toll this source gives. Defaults to None.
    """

    doc_id: str
    title: str | None
    published: str | None
    sentence: int | None
    start: int | None
    end: int | None
    evidence: str
    modality: str
    date: str | None = None
    fatalities: int | None = None

    def sort_key(self) -> tuple:
        return (self.doc_id, _none_last(self.sentence), _none_last(self.start), self.evidence)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CorpusActor:
    """One canonical actor across the corpus.

    Attributes:
        id (str): canonical id.
        name (str): most common name.
        type (str): most common actor type.
        aliases (list[str]): every alias seen, sorted.
        qid (str | None): Wikidata QID.
        mention_count (int): mentions summed over documents (at least 1 per document).
        doc_ids (list[str]): documents naming it.
    """

    id: str
    name: str
    type: str
    aliases: list[str]
    qid: str | None
    mention_count: int
    doc_ids: list[str]


@dataclass
class CorpusPlace:
    """One canonical place across the corpus.

    Attributes:
        id (str): canonical id (``place-...``).
        name (str): most common name.
        type (str): most common place type.
        country (str | None): ISO 3166-1 alpha-2 code.
        lat (float | None): latitude.
        lon (float | None): longitude.
        aliases (list[str]): every alias seen, sorted.
        geonames_id (int | None): GeoNames id.
        qid (str | None): Wikidata QID.
        mention_count (int): mentions summed over documents.
        doc_ids (list[str]): documents naming it.
    """

    id: str
    name: str
    type: str
    country: str | None
    lat: float | None
    lon: float | None
    aliases: list[str]
    geonames_id: int | None
    qid: str | None
    mention_count: int
    doc_ids: list[str]


@dataclass
class CorpusEvent:
    """One real-world event, merged from every report of it.

    Attributes:
        id (str): ``kg.keys.event_key`` of the merged event.
        type (str): event type.
        agents (list[str]): actor ids, sorted.
        targets (list[str]): actor or place ids, sorted.
        location (str | None): the most specific place id.
        date (str | None): the most precise date.
        fatalities (int | None): the highest toll stated.
        fatalities_min (int | None): the lowest toll stated.
        fatalities_max (int | None): the highest toll stated.
        modality (str): the strongest modality among the reports.
        sources (list[Source]): every report, sorted by document.
    """

    id: str
    type: str
    agents: list[str]
    targets: list[str]
    location: str | None
    date: str | None
    fatalities: int | None
    fatalities_min: int | None
    fatalities_max: int | None
    modality: str
    sources: list[Source]

    @property
    def source_count(self) -> int:
        """Number of distinct documents that report the event."""
        return len({s.doc_id for s in self.sources})


@dataclass
class CorpusRelation:
    """One actor-to-actor relation with all its sources.

    Attributes:
        key (str): ``kg.keys.relation_key``.
        subject (str): actor id (sorted first for symmetric predicates).
        predicate (str): predicate.
        object (str): actor id.
        date (str | None): earliest date stated.
        modality (str): strongest modality.
        sources (list[Source]): every report.
    """

    key: str
    subject: str
    predicate: str
    object: str
    date: str | None
    modality: str
    sources: list[Source]

    @property
    def source_count(self) -> int:
        return len({s.doc_id for s in self.sources})


@dataclass
class Corpus:
    """Everything a corpus asserts once merged.

    Attributes:
        documents (dict[str, dict]): doc_id -> title, published, url, source.
        actors (dict[str, CorpusActor]): by id.
        places (dict[str, CorpusPlace]): by id.
        events (list[CorpusEvent]): merged events, sorted by date then id.
        relations (list[CorpusRelation]): merged relations, sorted by key.
        reports (int): events before the merge.
    """

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    actors: dict[str, CorpusActor] = field(default_factory=dict)
    places: dict[str, CorpusPlace] = field(default_factory=dict)
    events: list[CorpusEvent] = field(default_factory=list)
    relations: list[CorpusRelation] = field(default_factory=list)
    reports: int = 0

    def to_graph(self) -> nx.MultiDiGraph:
        """The corpus as a graph (see ``build_corpus_graph``)."""
        return _to_graph(self)


# ------------------------------------------------------------------ helpers
def _none_last(value: int | None) -> tuple[int, int]:
    return (1, 0) if value is None else (0, value)


def _most_common(values: Iterable[Any]) -> Any:
    """The most common non-None value; ties broken by sort order (deterministic)."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


def _unique_aliases(names: Iterable[str]) -> list[str]:
    return sorted({n for n in names if n})


@dataclass
class _Report:
    """One event as one document reports it (internal)."""

    event: Event
    source: Source
    key: tuple

    @property
    def agents(self) -> frozenset[str]:
        return frozenset(self.event.agents)

    @property
    def targets(self) -> frozenset[str]:
        return frozenset(self.event.targets)


def _place_contains(outer: CorpusPlace | None, inner: CorpusPlace | None) -> bool:
    if outer is None or inner is None or outer.type != "Country" or not outer.country:
        return False
    return inner.type != "Country" and inner.country == outer.country


def _locations_compatible(a: str | None, b: str | None, places: dict[str, CorpusPlace]) -> bool:
    if a is None or b is None or a == b:
        return True
    pa, pb = places.get(a), places.get(b)
    return _place_contains(pa, pb) or _place_contains(pb, pa)


def events_compatible(a: Event, b: Event, places: dict[str, CorpusPlace] | None = None) -> bool:
    """Whether two event reports may be the same real-world event (the merge rule).

    Args:
        a, b (Event): the two reports.
        places (dict[str, CorpusPlace] | None): known places, used to see that a
            country contains a town. Defaults to None (locations must be equal or null).
    """
    places = places or {}
    if a.type != b.type:
        return False
    if (a.modality == Modality.hypothetical) != (b.modality == Modality.hypothetical):
        return False
    agents_a, agents_b = set(a.agents), set(b.agents)
    targets_a, targets_b = set(a.targets), set(b.targets)
    if a.date is None and b.date is None:
        return agents_a == agents_b and targets_a == targets_b and a.location == b.location
    if not dates_compatible(a.date, b.date):
        return False
    if not _locations_compatible(a.location, b.location, places):
        return False
    if not (agents_a or targets_a) and not (agents_b or targets_b):
        return a.location is not None and a.location == b.location
    if a.type == EventType.armed_clash:
        return bool((agents_a | targets_a) & (agents_b | targets_b))
    return bool(agents_a & agents_b) or bool(targets_a & targets_b)


def _pair_score(a: Event, b: Event) -> int:
    """How strongly two compatible reports agree; strong pairs are merged first."""
    score = 2 * len(set(a.agents) & set(b.agents)) + 2 * len(set(a.targets) & set(b.targets))
    if a.date is not None and a.date == b.date:
        score += 3
    if a.location is not None and a.location == b.location:
        score += 3
    return score


def _cluster(reports: list[_Report], places: dict[str, CorpusPlace]) -> list[list[_Report]]:
    """Complete-linkage clustering of one type's reports; deterministic and order-free."""
    n = len(reports)
    # Candidate pairs come from shared participants (or a shared location for
    # argument-less reports), so big corpora are not compared all against all.
    index: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        keys = {f"a:{x}" for x in r.event.agents} | {f"t:{x}" for x in r.event.targets}
        if r.event.type == EventType.armed_clash:
            keys = {f"p:{x}" for x in (*r.event.agents, *r.event.targets)}
        if not keys and r.event.location is not None:
            keys = {f"l:{r.event.location}"}
        for k in keys:
            index[k].append(i)
    compatible: set[tuple[int, int]] = set()
    scored: list[tuple[int, tuple, tuple, int, int]] = []
    for members in index.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pair = (i, j) if i < j else (j, i)
                if pair in compatible:
                    continue
                a, b = reports[pair[0]], reports[pair[1]]
                if events_compatible(a.event, b.event, places):
                    compatible.add(pair)
                    scored.append((-_pair_score(a.event, b.event), a.key, b.key, *pair))
    scored.sort()

    def ok(p: int, q: int) -> bool:
        return p == q or ((p, q) if p < q else (q, p)) in compatible

    # A report compatible with two reports that are not compatible with each
    # other could belong to either of two distinct events: keep it on its own
    # rather than credit it to one of them.
    neighbours: dict[int, list[int]] = defaultdict(list)
    for i, j in compatible:
        neighbours[i].append(j)
        neighbours[j].append(i)
    ambiguous = {
        r for r, ns in neighbours.items()
        if any(not ok(p, q) for x, p in enumerate(ns) for q in ns[x + 1 :])
    }

    clusters: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    for *_ignored, i, j in scored:
        ci, cj = owner[i], owner[j]
        if ci == cj or i in ambiguous or j in ambiguous:
            continue
        if all(ok(p, q) for p in clusters[ci] for q in clusters[cj]):
            keep, gone = (ci, cj) if ci < cj else (cj, ci)
            for m in clusters[gone]:
                owner[m] = keep
            clusters[keep].extend(clusters.pop(gone))
    return [[reports[i] for i in sorted(members)] for members in clusters.values()]


def _merge_cluster(cluster: list[_Report], places: dict[str, CorpusPlace]) -> CorpusEvent:
    events = [r.event for r in cluster]
    agents = sorted({a for e in events for a in e.agents})
    targets = sorted({t for e in events for t in e.targets} - set(agents))
    dates = sorted({e.date for e in events if e.date}, key=lambda d: (-len(d), d))
    date = dates[0] if dates else None

    def specificity(pid: str) -> tuple:
        p = places.get(pid)
        return (1 if p is not None and p.type == "Country" else 0, pid)

    locations = sorted({e.location for e in events if e.location}, key=specificity)
    location = locations[0] if locations else None
    tolls = [e.fatalities for e in events if e.fatalities is not None]
    modality = min((Modality(e.modality) for e in events), key=_MODALITY_RANK.__getitem__)
    etype = events[0].type
    key = event_key(Event(type=etype, agents=agents, targets=targets, location=location, date=date))
    return CorpusEvent(
        id=key,
        type=_value(etype),
        agents=agents,
        targets=targets,
        location=location,
        date=date,
        fatalities=max(tolls) if tolls else None,
        fatalities_min=min(tolls) if tolls else None,
        fatalities_max=max(tolls) if tolls else None,
        modality=_value(modality),
        sources=sorted((r.source for r in cluster), key=Source.sort_key),
    )


def _source(record: DocRecord, fact: Any) -> Source:
    return Source(
        doc_id=record.doc_id,
        title=record.title,
        published=record.published,
        sentence=fact.sentence,
        start=fact.start,
        end=fact.end,
        evidence=fact.evidence,
        modality=_value(fact.modality),
        date=fact.date,
        fatalities=getattr(fact, "fatalities", None),
    )


# -------------------------------------------------------------------- merge
def merge_records(records: Iterable[DocRecord]) -> Corpus:
    """Merge document records into one ``Corpus`` (the merge rule is in the module doc).

    Args:
        records (Iterable[DocRecord]): the records, in any order.

    Returns:
        Corpus: the merged actors, places, events and relations.
    """
    records = sorted(records, key=lambda r: r.doc_id)
    corpus = Corpus()
    actor_parts: dict[str, list] = defaultdict(list)
    place_parts: dict[str, list] = defaultdict(list)
    reports: list[_Report] = []
    relation_parts: dict[str, list[tuple[Any, Source]]] = defaultdict(list)

    for rec in records:
        corpus.documents[rec.doc_id] = {
            "title": rec.title,
            "published": rec.published,
            "url": rec.url,
            "source": rec.source,
        }
        for a in rec.actors:
            actor_parts[a.id].append((rec.doc_id, a))
        for p in rec.places:
            place_parts[p.id].append((rec.doc_id, p))
        for e in rec.events:
            src = _source(rec, e)
            reports.append(_Report(e, src, (*src.sort_key(), event_key(e))))
        for r in rec.relations:
            relation_parts[relation_key(r)].append((r, _source(rec, r)))

    for aid, parts in sorted(actor_parts.items()):
        objs = [a for _, a in parts]
        corpus.actors[aid] = CorpusActor(
            id=aid,
            name=_most_common(a.name for a in objs),
            type=_value(_most_common(_value(a.type) for a in objs)),
            aliases=_unique_aliases([n for a in objs for n in (a.name, *a.aliases)]),
            qid=_most_common(a.qid for a in objs),
            mention_count=sum(max(1, len(a.mentions)) for a in objs),
            doc_ids=sorted({d for d, _ in parts}),
        )
    for pid, parts in sorted(place_parts.items()):
        objs = [p for _, p in parts]
        coords = _most_common((p.lat, p.lon) for p in objs if p.lat is not None and p.lon is not None)
        corpus.places[pid] = CorpusPlace(
            id=pid,
            name=_most_common(p.name for p in objs),
            type=_value(_most_common(_value(p.type) for p in objs)),
            country=_most_common(p.country for p in objs),
            lat=coords[0] if coords else None,
            lon=coords[1] if coords else None,
            aliases=_unique_aliases([n for p in objs for n in (p.name, *p.aliases)]),
            geonames_id=_most_common(p.geonames_id for p in objs),
            qid=_most_common(p.qid for p in objs),
            mention_count=sum(max(1, len(p.mentions)) for p in objs),
            doc_ids=sorted({d for d, _ in parts}),
        )

    corpus.reports = len(reports)
    blocks: dict[tuple, list[_Report]] = defaultdict(list)
    for r in sorted(reports, key=lambda r: r.key):
        blocks[(_value(r.event.type), r.event.modality == Modality.hypothetical)].append(r)
    events: list[CorpusEvent] = []
    for block_key in sorted(blocks):
        for cluster in _cluster(blocks[block_key], corpus.places):
            events.append(_merge_cluster(cluster, corpus.places))
    _dedupe_ids(events)
    events.sort(key=lambda e: (date_bounds(e.date) or _dt.date.max, e.id))
    corpus.events = events

    for key, parts in sorted(relation_parts.items()):
        rel = parts[0][0]
        subject, obj = relation_endpoints(rel)
        dates = [r.date for r, _ in parts if r.date]
        corpus.relations.append(
            CorpusRelation(
                key=key,
                subject=subject,
                predicate=_value(rel.predicate),
                object=obj,
                date=min(dates, key=lambda d: (date_bounds(d), -len(d))) if dates else None,
                modality=_value(min((Modality(r.modality) for r, _ in parts), key=_MODALITY_RANK.__getitem__)),
                sources=sorted((s for _, s in parts), key=Source.sort_key),
            )
        )
    return corpus


def _dedupe_ids(events: list[CorpusEvent]) -> None:
    """Give clusters that fingerprint alike (e.g. a hypothetical twin) distinct ids."""
    seen: Counter[str] = Counter(e.id for e in events)
    for e in events:
        if seen[e.id] > 1:
            first = e.sources[0]
            tail = hashlib.sha1(f"{e.modality}|{first.doc_id}|{first.sentence}|{first.start}".encode()).hexdigest()[:6]
            e.id = f"{e.id}-{tail}"


# -------------------------------------------------------------------- graph
def short_name(name: str, aliases: Iterable[str] = (), limit: int = 22) -> str:
    """A short display name: the name if short, else its shortest acronym-like alias."""
    if len(name) <= limit:
        return name
    shorter = sorted((a for a in aliases if 2 <= len(a) < len(name)), key=lambda a: (len(a), a))
    if shorter and len(shorter[0]) <= limit:
        return shorter[0]
    return name[: limit - 1] + "\u2026"


def _event_label(ev: CorpusEvent, corpus: Corpus) -> str:
    agents = [corpus.actors[a] for a in ev.agents if a in corpus.actors]
    who = ", ".join(short_name(a.name, a.aliases) for a in agents[:2])
    where = corpus.places[ev.location].name if ev.location in corpus.places else ""
    parts = [ev.type.replace("_", " ")]
    if who:
        parts.append(f"by {who}")
    if where:
        parts.append(f"in {where}")
    return " ".join(parts) + (f" ({ev.date})" if ev.date else "")


def _to_graph(corpus: Corpus) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(
        name="conflict-kg corpus",
        documents=len(corpus.documents),
        reports=corpus.reports,
        events=len(corpus.events),
        relations=len(corpus.relations),
    )
    involvement: Counter[str] = Counter()
    for ev in corpus.events:
        for x in {*ev.agents, *ev.targets, *([ev.location] if ev.location else [])}:
            involvement[x] += 1

    for a in corpus.actors.values():
        g.add_node(
            a.id,
            kind="actor",
            label=a.name,
            short=short_name(a.name, a.aliases),
            name=a.name,
            type=a.type,
            aliases=a.aliases,
            qid=a.qid,
            mention_count=a.mention_count,
            document_count=len(a.doc_ids),
            event_count=involvement[a.id],
        )
    for p in corpus.places.values():
        g.add_node(
            p.id,
            kind="place",
            label=p.name,
            short=short_name(p.name, p.aliases),
            name=p.name,
            type=p.type,
            country=p.country,
            lat=p.lat,
            lon=p.lon,
            aliases=p.aliases,
            geonames_id=p.geonames_id,
            qid=p.qid,
            mention_count=p.mention_count,
            document_count=len(p.doc_ids),
            event_count=involvement[p.id],
        )
    for doc_id, meta in sorted(corpus.documents.items()):
        g.add_node(f"doc:{doc_id}", kind="document", label=meta["title"] or doc_id, doc_id=doc_id, **meta)

    for ev in corpus.events:
        node = f"event:{ev.id}"
        g.add_node(
            node,
            kind="event",
            key=ev.id,
            label=_event_label(ev, corpus),
            type=ev.type,
            date=ev.date,
            agents=ev.agents,
            targets=ev.targets,
            location=ev.location,
            fatalities=ev.fatalities,
            fatalities_min=ev.fatalities_min,
            fatalities_max=ev.fatalities_max,
            modality=ev.modality,
            source_count=ev.source_count,
            report_count=len(ev.sources),
            doc_ids=sorted({s.doc_id for s in ev.sources}),
            evidence=[s.evidence for s in ev.sources],
            sources=[s.as_dict() for s in ev.sources],
        )
        for a in ev.agents:
            g.add_edge(a, node, key="agent", kind="agent")
        for t in ev.targets:
            g.add_edge(node, t, key="target", kind="target")
        if ev.location:
            g.add_edge(node, ev.location, key="location", kind="location")
        per_doc: dict[str, list[Source]] = defaultdict(list)
        for s in ev.sources:
            per_doc[s.doc_id].append(s)
        for doc_id, srcs in sorted(per_doc.items()):
            g.add_edge(
                node,
                f"doc:{doc_id}",
                key="source",
                kind="source",
                report_count=len(srcs),
                modality=srcs[0].modality,
                sentence=srcs[0].sentence,
                evidence=[s.evidence for s in srcs],
            )

    for rel in corpus.relations:
        g.add_edge(
            rel.subject,
            rel.object,
            key=rel.predicate,
            kind="relation",
            predicate=rel.predicate,
            symmetric=Predicate(rel.predicate) in SYMMETRIC_PREDICATES,
            date=rel.date,
            modality=rel.modality,
            source_count=rel.source_count,
            doc_ids=sorted({s.doc_id for s in rel.sources}),
            evidence=[s.evidence for s in rel.sources],
            published=sorted({s.published for s in rel.sources if s.published}),
        )
    return g


def build_corpus_graph(records: Iterable[DocRecord]) -> nx.MultiDiGraph:
    """Merge records and return the corpus graph.

    Nodes have ``kind`` actor, place, event (id ``event:<event_key>``) or
    document (id ``doc:<doc_id>``). Edges have ``kind`` agent (actor -> event),
    target (event -> actor/place), location (event -> place), source
    (event -> document) or relation (actor -> actor, edge key = predicate).
    ``graph.graph`` holds the counts: documents, reports (events before the
    merge), events, relations.

    Args:
        records (Iterable[DocRecord]): the records, in any order.
    """
    return merge_records(records).to_graph()


# ---------------------------------------------------------------- filtering
def nodes_of_kind(graph: nx.MultiDiGraph, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """``(node id, attributes)`` of every node of one kind, sorted by id."""
    return sorted(((n, d) for n, d in graph.nodes(data=True) if d.get("kind") == kind), key=lambda nd: nd[0])


def _find(graph: nx.MultiDiGraph, kind: str, name: str) -> set[str]:
    wanted = normalize_name(name)
    exact, partial = set(), set()
    for node, data in nodes_of_kind(graph, kind):
        names = {normalize_name(n) for n in (node, data.get("name") or "", *data.get("aliases", []))}
        if wanted in names:
            exact.add(node)
        elif wanted and any(wanted in n for n in names):
            partial.add(node)
    return exact or partial


def find_actors(graph: nx.MultiDiGraph, name: str) -> set[str]:
    """Actor ids whose id, name or an alias matches ``name`` (FORMAT.md normalisation).

    Exact matches win; otherwise names containing it ("wagner" finds "Wagner Group").
    """
    return _find(graph, "actor", name)


def find_places(graph: nx.MultiDiGraph, name: str) -> set[str]:
    """Place ids matching ``name``, plus every place inside a matching country."""
    found = _find(graph, "place", name)
    countries = {graph.nodes[p].get("country") for p in found if graph.nodes[p].get("type") == "Country"}
    countries.discard(None)
    if countries:
        found |= {n for n, d in nodes_of_kind(graph, "place") if d.get("country") in countries}
    return found


def _as_date(value: str | _dt.date | None, *, end: bool) -> _dt.date | None:
    if value is None or isinstance(value, _dt.date):
        return value
    try:
        return date_bounds(value.strip(), end=end)
    except (ValueError, IndexError) as exc:
        raise KgError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}") from exc


def filter_events(
    graph: nx.MultiDiGraph,
    *,
    actor: str | None = None,
    place: str | None = None,
    date_from: str | _dt.date | None = None,
    date_to: str | _dt.date | None = None,
    types: Iterable[str] | None = None,
    include_undated: bool = False,
) -> list[dict[str, Any]]:
    """The corpus events that match every given filter, sorted by date.

    Args:
        graph (MultiDiGraph): a corpus graph from ``build_corpus_graph``.
        actor (str | None): an actor name, alias or id; keeps events it acts in
            or is targeted by. Defaults to None (any).
        place (str | None): a place name, alias or id; keeps events located there
            or targeting it (a country covers its towns). Defaults to None (any).
        date_from (str | date | None): keep events that may fall on or after this
            date (``2024`` means from 2024-01-01). Defaults to None.
        date_to (str | date | None): keep events that may fall on or before it
            (``2024`` means to 2024-12-31). Defaults to None.
        types (Iterable[str] | None): event types to keep. Defaults to None (all).
        include_undated (bool): keep undated events even when a date filter is
            given. Defaults to False.

    Returns:
        list[dict]: event node attributes plus ``id`` (the node id), in date order
        (undated last).

    Raises:
        KgError: ``actor`` or ``place`` matches nothing, or a date is malformed.
    """
    start, end = _as_date(date_from, end=False), _as_date(date_to, end=True)
    actor_ids = place_ids = None
    if actor is not None:
        actor_ids = find_actors(graph, actor)
        if not actor_ids:
            raise KgError(f"no actor matches {actor!r}")
    if place is not None:
        place_ids = find_places(graph, place)
        if not place_ids:
            raise KgError(f"no place matches {place!r}")
    wanted_types = {_value(t) for t in types} if types is not None else None
    out = []
    for node, data in nodes_of_kind(graph, "event"):
        if wanted_types is not None and data["type"] not in wanted_types:
            continue
        if actor_ids is not None and not actor_ids & {*data["agents"], *data["targets"]}:
            continue
        if place_ids is not None and not place_ids & {*data["targets"], *([data["location"]] if data["location"] else [])}:
            continue
        if start is not None or end is not None:
            if data["date"] is None:
                if not include_undated:
                    continue
            else:
                if start is not None and date_bounds(data["date"], end=True) < start:
                    continue
                if end is not None and date_bounds(data["date"]) > end:
                    continue
        out.append({"id": node, **data})
    out.sort(key=lambda d: (date_bounds(d["date"]) or _dt.date.max, d["id"]))
    return out


def event_years(graph: nx.MultiDiGraph) -> list[int]:
    """The years in which the corpus has dated events, ascending."""
    return sorted({int(d["date"][:4]) for _, d in nodes_of_kind(graph, "event") if d.get("date")})
