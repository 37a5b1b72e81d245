"""Stream document records out as RDF: Turtle, N-Triples, TriG, N-Quads or JSON-LD.

Why: researchers query the graph with SPARQL beside other linked data, and an
export of a large corpus must not need the whole graph in memory. Each record
becomes a small batch of triples that is written at once and forgotten; only
a bounded set of recently written shared triples (actors, places, agents,
events seen in several documents) is kept so they are not repeated much.

What a record becomes (see docs/rdf.md):

- default graph: actors, places, software agents, the document and its
  extraction activity (and, in TriG/N-Quads, the PROV description of the
  document's named graph);
- what the document asserts: its events (``sem:Event`` with type, agents,
  targets, place, dates) and relations (the plain triple, only for modalities
  that state it as fact), plus one assertion node per fact with modality,
  evidence, offsets and PROV links. In TriG/N-Quads these go into the named
  graph ``doc/{doc_id}/graph``; in Turtle, N-Triples and JSON-LD into the
  default graph.

Every format streams: N-Triples and N-Quads line by line, Turtle and TriG as
one block per subject and record after the prefixes, JSON-LD as one node
object per subject and record inside a single ``@graph`` array.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple

from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, XSD

from kg.errors import ExportError
from kg.models import SYMMETRIC_PREDICATES, DocRecord, Modality, date_precision
from kg.rdf.iris import DEFAULT_BASE, IriMinter
from kg.rdf.namespace import CKG, GEONAMES, PREFIXES, SEM, WD, WGS84

__all__ = ["FORMATS", "Lit", "export_records", "record_triples", "RecordTriples", "format_for_path", "date_bounds"]

FORMATS: dict[str, str] = {
    "ttl": "turtle",
    "nt": "nt",
    "trig": "trig",
    "nq": "nquads",
    "jsonld": "json-ld",
}
"""Export format -> rdflib parser name (for reading an export back)."""

_QUAD_FORMATS = frozenset({"trig", "nq"})
_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".trig": "trig", ".nq": "nq", ".jsonld": "jsonld", ".json": "jsonld"}

GEO = PREFIXES["geo"]
SF = PREFIXES["sf"]

_ACTOR_CLASS = {
    "ArmedGroup": str(CKG.ArmedGroup),
    "StateForce": str(CKG.StateForce),
    "PrivateMilitary": str(CKG.PrivateMilitary),
    "State": str(CKG.State),
    "InternationalOrg": str(CKG.InternationalOrg),
    "Person": str(CKG.Person),
    "Other": str(CKG.OtherActor),
}
_PLACE_CLASS = {t: f"{CKG._NS}{t}" for t in ("Country", "Region", "Settlement", "Site")}
_NOT_STATED = frozenset({Modality.denied, Modality.hypothetical})
_QID_RE = re.compile(r"^Q[1-9][0-9]*$")
_DATE_TYPE = {"year": str(XSD.gYear), "month": str(XSD.gYearMonth), "day": str(XSD.date)}


class Lit(NamedTuple):
    """A literal: lexical form and datatype IRI (None for a plain ``xsd:string``)."""

    lex: str
    dt: str | None = None


Term = str | Lit
Triple = tuple[str, str, Term]

# Vocabulary IRIs as plain strings: building triples is the hot path.
_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ID = str(DCTERMS.identifier)
_NAME = str(SDO.name)
_ALT = str(SDO.alternateName)
_SAME = str(OWL.sameAs)
_INT = str(XSD.nonNegativeInteger)
_DEC = str(XSD.decimal)
_XSD_DATE = str(XSD.date)
_S = {k: str(getattr(SEM, k)) for k in SEM.__annotations__}
_C = {k: str(getattr(CKG, k)) for k in CKG.__annotations__}
_P = {k: str(getattr(PROV, k)) for k in ("Entity", "Activity", "Bundle", "SoftwareAgent", "wasDerivedFrom",
                                          "wasGeneratedBy", "wasAttributedTo", "used", "wasAssociatedWith")}


class RecordTriples(NamedTuple):
    """The triples one record produces, by where they go.

    Attributes:
        shared (list): actors, places, agents: default graph, may repeat across records.
        meta (list): the document, its extraction and graph: default graph, once per record.
        claims (list): event and relation triples the document asserts: its named graph.
        assertions (list): per-fact provenance nodes: its named graph.
        graph (str): the named graph IRI.
    """

    shared: list[Triple]
    meta: list[Triple]
    claims: list[Triple]
    assertions: list[Triple]
    graph: str


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day an ISO date covers at its precision (``2024-02`` -> Feb 1 .. Feb 29).

    Raises:
        ExportError: the date does not exist (``2023-02-30``).
    """
    precision = date_precision(value)
    try:
        year = int(value[:4])
        if precision == "year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if precision == "month":
            month = int(value[5:7])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        day = dt.date.fromisoformat(value)
        return day, day
    except (ValueError, KeyError) as exc:
        raise ExportError(f"date {value!r} does not exist ({exc})") from exc


def _date_terms(value: str | None, where: str) -> list[tuple[str, Lit]]:
    """sem:hasTimeStamp at the text's precision plus the xsd:date interval it covers."""
    if value is None:
        return []
    try:
        first, last = date_bounds(value)
    except ExportError as exc:
        raise ExportError(f"{where}: {exc}") from exc
    return [
        (_S["hasTimeStamp"], Lit(value, _DATE_TYPE[date_precision(value)])),
        (_S["hasEarliestBeginTimeStamp"], Lit(first.isoformat(), _XSD_DATE)),
        (_S["hasLatestEndTimeStamp"], Lit(last.isoformat(), _XSD_DATE)),
    ]


def _decimal(x: float) -> str:
    text = format(Decimal(repr(float(x))), "f")
    return text if "." in text else text + ".0"


def _provenance(node: str, fact, doc: str, activity: str, m: IriMinter, out: list[Triple], shared: list[Triple]) -> None:
    """Modality, evidence, offsets and PROV links of one assertion node."""
    out.append((node, _P["wasDerivedFrom"], doc))
    out.append((node, _P["wasGeneratedBy"], activity))
    out.append((node, _C["modality"], _C[Modality(fact.modality).value]))
    if fact.evidence:
        out.append((node, _C["evidence"], Lit(fact.evidence)))
    if fact.sentence is not None:
        out.append((node, _C["sentenceIndex"], Lit(str(fact.sentence), _INT)))
    if fact.start is not None:
        out.append((node, _C["startOffset"], Lit(str(fact.start), _INT)))
    if fact.end is not None:
        out.append((node, _C["endOffset"], Lit(str(fact.end), _INT)))
    if fact.confidence is not None:
        out.append((node, _C["confidence"], Lit(_decimal(fact.confidence), _DEC)))
    if fact.extractor:
        agent = m.agent(fact.extractor)
        out.append((node, _P["wasAttributedTo"], agent))
        shared.extend([(agent, _TYPE, _P["SoftwareAgent"]), (agent, _LABEL, Lit(fact.extractor))])


def _document(record: DocRecord, m: IriMinter, quads: bool, meta: list[Triple], shared: list[Triple]) -> None:
    """The document, the run that read it and (quads) the graph of its assertions."""
    rid = record.doc_id
    doc, activity, graph = m.doc(rid), m.extraction(rid), m.graph(rid)
    meta += [
        (doc, _TYPE, _C["Document"]),
        (doc, _TYPE, str(SDO.CreativeWork)),
        (doc, _TYPE, _P["Entity"]),
        (doc, _ID, Lit(rid)),
        (activity, _TYPE, _C["Extraction"]),
        (activity, _TYPE, _P["Activity"]),
        (activity, _P["used"], doc),
    ]
    if record.title:
        meta.append((doc, _NAME, Lit(record.title)))
    if record.url:
        meta.append((doc, str(SDO.url), Lit(record.url, str(XSD.anyURI))))
    if record.source:
        meta.append((doc, str(SDO.publisher), Lit(record.source)))
    if record.published:
        meta.append((doc, str(SDO.datePublished), _date_terms(record.published, f"{rid}: published")[0][1]))
    if record.pipeline:
        agent = m.agent(record.pipeline)
        meta.append((activity, _P["wasAssociatedWith"], agent))
        shared += [(agent, _TYPE, _P["SoftwareAgent"]), (agent, _LABEL, Lit(record.pipeline))]
    if quads:
        meta += [(graph, _TYPE, _P["Bundle"]), (graph, _P["wasDerivedFrom"], doc), (graph, _P["wasGeneratedBy"], activity)]


def _named(iri: str, kind: str, name: str, key: str, aliases: list[str], qid: str | None, out: list[Triple]) -> None:
    """Types, identifier, names and Wikidata link shared by actors and places."""
    out += [(iri, _TYPE, kind), (iri, _ID, Lit(key)), (iri, _NAME, Lit(name)), (iri, _LABEL, Lit(name))]
    out += [(iri, _ALT, Lit(alias)) for alias in aliases if alias != name]
    if qid and _QID_RE.match(qid):
        out.append((iri, _SAME, f"{WD}{qid}"))


def _actors(record: DocRecord, m: IriMinter, shared: list[Triple]) -> dict[str, str]:
    """Actors of the record (their canonical ids are the keys); returns id -> IRI."""
    iris = {}
    for a in record.actors:
        iri = iris[a.id] = m.actor(a.id)
        shared.append((iri, _TYPE, _S["Actor"]))
        _named(iri, _ACTOR_CLASS[a.type.value], a.name, a.id, a.aliases, a.qid, shared)
    return iris


def _places(record: DocRecord, m: IriMinter, shared: list[Triple]) -> dict[str, str]:
    """Places of the record with WGS84 and GeoSPARQL coordinates; returns id -> IRI."""
    iris = {}
    for p in record.places:
        iri = iris[p.id] = m.place(p.id)
        shared += [(iri, _TYPE, _S["Place"]), (iri, _TYPE, GEO + "Feature")]
        _named(iri, _PLACE_CLASS[p.type.value], p.name, p.id, p.aliases, p.qid, shared)
        if p.country:
            shared.append((iri, _C["countryCode"], Lit(p.country)))
        if p.lat is not None and p.lon is not None:
            geom = m.geometry(p.id)
            lat, lon = _decimal(p.lat), _decimal(p.lon)
            shared += [
                (iri, str(WGS84.lat), Lit(lat, _DEC)),
                (iri, str(WGS84.long), Lit(lon, _DEC)),
                (iri, GEO + "hasGeometry", geom),
                (geom, _TYPE, SF + "Point"),
                (geom, GEO + "asWKT", Lit(f"POINT({lon} {lat})", GEO + "wktLiteral")),
            ]
        if p.geonames_id is not None:
            shared.append((iri, _SAME, f"{GEONAMES}{p.geonames_id}/"))
    return iris


def _events(record, m, actor_iris, place_iris, claims, assertions, shared) -> None:
    """Events: one node per ``event_key`` (claims), one assertion node per document."""
    rid = record.doc_id
    doc, activity = m.doc(rid), m.extraction(rid)
    seen: dict[str, int] = {}
    for e in record.events:
        ev = m.event(e)
        claims += [(ev, _TYPE, _S["Event"]), (ev, _S["eventType"], _C[e.type.value])]
        for ref in e.agents:
            who = actor_iris.get(ref) or place_iris[ref]
            claims.append((ev, _C["hasAgent"], who))
            if ref in actor_iris:
                claims.append((ev, _S["hasActor"], who))
        for ref in e.targets:
            if ref in actor_iris:
                claims += [(ev, _C["hasTarget"], actor_iris[ref]), (ev, _S["hasActor"], actor_iris[ref])]
            else:
                claims.append((ev, _C["hasTarget"], place_iris[ref]))
        if e.location is not None:
            claims.append((ev, _S["hasPlace"], place_iris[e.location]))
        claims += [(ev, p, o) for p, o in _date_terms(e.date, f"{rid}: event {e.type.value}")]
        seen[ev] = seen.get(ev, 0) + 1  # the same event stated twice: two assertions
        node = m.event_assertion(rid, e, seen[ev])
        assertions += [(node, _TYPE, _C["EventAssertion"]), (node, _TYPE, _P["Entity"]), (node, _C["assertionOf"], ev)]
        if e.fatalities is not None:
            toll = Lit(str(e.fatalities), _INT)
            claims.append((ev, _C["fatalities"], toll))
            assertions.append((node, _C["fatalities"], toll))
        _provenance(node, e, doc, activity, m, assertions, shared)


def _relations(record, m, actor_iris, claims, assertions, shared) -> None:
    """Relations: the plain triple where stated as fact, and a reified statement per document."""
    rid = record.doc_id
    doc, activity = m.doc(rid), m.extraction(rid)
    seen: dict[tuple[str, str, str], int] = {}
    for r in record.relations:
        pred = _C[r.predicate.value]
        symmetric = r.predicate in SYMMETRIC_PREDICATES
        s, o = actor_iris[r.subject], actor_iris[r.object]
        if symmetric and o < s:
            s, o = o, s
        if Modality(r.modality) not in _NOT_STATED:
            claims.append((s, pred, o))
            if symmetric:
                claims.append((o, pred, s))
        key = (s, pred, o)
        seen[key] = seen.get(key, 0) + 1
        node = m.relation_assertion(rid, r, seen[key])
        assertions += [
            (node, _TYPE, _C["RelationAssertion"]),
            (node, _TYPE, str(RDF.Statement)),
            (node, _TYPE, _S["View"]),
            (node, _TYPE, _P["Entity"]),
            (node, str(RDF.subject), s),
            (node, str(RDF.predicate), pred),
            (node, str(RDF.object), o),
            (node, _S["accordingTo"], doc),
        ]
        if r.date is not None:
            assertions.append((node, _TYPE, _S["Temporary"]))
            assertions += [(node, p, v) for p, v in _date_terms(r.date, f"{rid}: relation {r.predicate.value}")]
        _provenance(node, r, doc, activity, m, assertions, shared)


def record_triples(record: DocRecord, m: IriMinter, *, quads: bool = False) -> RecordTriples:
    """Everything one record says, as triples sorted by destination (see ``RecordTriples``).

    Args:
        record (DocRecord): the record.
        m (IriMinter): mints IRIs under the export's base.
        quads (bool): add the PROV description of the named graph (TriG/N-Quads). Defaults to False.
    """
    shared: list[Triple] = []
    meta: list[Triple] = []
    claims: list[Triple] = []
    assertions: list[Triple] = []
    _document(record, m, quads, meta, shared)
    actor_iris = _actors(record, m, shared)
    place_iris = _places(record, m, shared)
    _events(record, m, actor_iris, place_iris, claims, assertions, shared)
    _relations(record, m, actor_iris, claims, assertions, shared)
    return RecordTriples(shared, meta, claims, assertions, m.graph(record.doc_id))


class _RecentSet:
    """Remembers recently written triples in two bounded generations: memory stays flat."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.new: set = set()
        self.old: set = set()

    def fresh(self, items: Iterable[Triple]) -> list[Triple]:
        """The items not seen recently (in order), remembering them."""
        out = []
        new, old = self.new, self.old
        for t in items:
            if t in new or t in old:
                continue
            new.add(t)
            out.append(t)
        if len(new) >= self.size:
            self.old, self.new = new, set()
        return out


# ---------------------------------------------------------------- term syntax

_ESCAPES = {i: f"\\u{i:04X}" for i in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def _nt_literal(lit: Lit) -> str:
    text = '"' + lit.lex.translate(_ESCAPES) + '"'
    if lit.dt is None:
        return text
    return f"{text}^^<{lit.dt}>"


def _nt(term: Term) -> str:
    if isinstance(term, Lit):
        return _nt_literal(term)
    return f"<{term}>"


_LOCAL_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class _Compactor:
    """Prefixed names for IRIs under a known prefix whose local part is plainly safe."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first so ``place/`` style prefixes would win over shorter ones.
        self.pairs = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: -len(x[0]))
        self.cache: dict[str, str | None] = {}

    def compact(self, iri: str) -> str | None:
        hit = self.cache.get(iri, False)
        if hit is not False:
            return hit
        out = None
        for ns, p in self.pairs:
            if iri.startswith(ns) and _LOCAL_RE.match(iri[len(ns):]):
                out = f"{p}:{iri[len(ns):]}"
                break
        if len(self.cache) < 4096:
            self.cache[iri] = out
        return out


# ---------------------------------------------------------------- writers


class _Writer:
    fmt = ""

    def __init__(self, out: IO[str], base: str) -> None:
        self.out = out
        self.base = base

    def start(self) -> None:
        pass

    def write(self, default: list[Triple], named: list[Triple], graph: str | None) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass


class _NTWriter(_Writer):
    fmt = "nt"

    def write(self, default, named, graph):
        lines = [f"<{s}> <{p}> {_nt(o)} .\n" for s, p, o in default]
        lines += [f"<{s}> <{p}> {_nt(o)} .\n" for s, p, o in named]
        self.out.write("".join(lines))


class _NQWriter(_Writer):
    fmt = "nq"

    def write(self, default, named, graph):
        lines = [f"<{s}> <{p}> {_nt(o)} .\n" for s, p, o in default]
        g = f" <{graph}> .\n"
        lines += [f"<{s}> <{p}> {_nt(o)}{g}" for s, p, o in named]
        self.out.write("".join(lines))


class _TurtleWriter(_Writer):
    fmt = "ttl"

    def __init__(self, out, base):
        super().__init__(out, base)
        # Data prefixes make nodes readable: actor:jnim, place:place-kati, event:attack-3229..., doc:brief-a
        self.prefixes = {**PREFIXES, **{p: f"{base}{p}/" for p in ("actor", "place", "event", "doc", "agent")}}
        self.c = _Compactor(self.prefixes)

    def start(self):
        self.out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()) + "\n")

    def term(self, t: Term) -> str:
        if isinstance(t, Lit):
            if t.dt is None:
                return _nt_literal(t)
            dtn = self.c.compact(t.dt)
            return f'"{t.lex.translate(_ESCAPES)}"^^' + (dtn or f"<{t.dt}>")
        return self.c.compact(t) or f"<{t}>"

    def blocks(self, triples: list[Triple], indent: str = "") -> str:
        by_subject: dict[str, dict[str, list[Term]]] = {}
        for s, p, o in triples:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        parts = []
        for s, props in by_subject.items():
            pos = []
            for p, objs in props.items():
                pn = "a" if p == _TYPE else self.term(p)
                pos.append(f"{pn} " + " , ".join(self.term(o) for o in objs))
            parts.append(f"{indent}{self.term(s)} " + f" ;\n{indent}    ".join(pos) + " .\n")
        return "".join(parts)

    def write(self, default, named, graph):
        self.out.write(self.blocks(default + named))


class _TriGWriter(_TurtleWriter):
    fmt = "trig"

    def write(self, default, named, graph):
        text = self.blocks(default)
        if named:
            text += f"{self.term(graph)} {{\n" + self.blocks(named, "    ") + "}\n"
        self.out.write(text)


class _JsonLdWriter(_Writer):
    fmt = "jsonld"

    def __init__(self, out, base):
        super().__init__(out, base)
        self.c = _Compactor(PREFIXES)
        self.first = True

    def start(self):
        context = json.dumps(PREFIXES, indent=2).replace("\n", "\n  ")
        self.out.write('{\n  "@context": ' + context + ',\n  "@graph": [')

    def key(self, iri: str) -> str:
        return self.c.compact(iri) or iri

    def value(self, t: Term) -> object:
        if isinstance(t, Lit):
            return t.lex if t.dt is None else {"@value": t.lex, "@type": self.key(t.dt)}
        return {"@id": t}

    def write(self, default, named, graph):
        nodes: dict[str, dict] = {}
        for s, p, o in default + named:
            node = nodes.setdefault(s, {"@id": s})
            if p == _TYPE and not isinstance(o, Lit):
                node.setdefault("@type", []).append(self.key(o))
            else:
                node.setdefault(self.key(p), []).append(self.value(o))
        if not nodes:
            return
        text = ",\n    ".join(json.dumps(n, ensure_ascii=False) for n in nodes.values())
        self.out.write(("\n    " if self.first else ",\n    ") + text)
        self.first = False

    def finish(self):
        self.out.write("\n  ]\n}\n")


_WRITERS = {w.fmt: w for w in (_NTWriter, _NQWriter, _TurtleWriter, _TriGWriter, _JsonLdWriter)}


def format_for_path(path: str | os.PathLike) -> str | None:
    """Export format implied by a file suffix (``.ttl`` -> ``ttl``), or None."""
    return _SUFFIXES.get(Path(path).suffix.lower())


class _Counter:
    """Counts triples as writers receive them."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.count = 0

    def write(self, default, named, graph):
        self.count += len(default) + len(named)
        self.writer.write(default, named, graph)


def _export(records: Iterable[DocRecord], out: IO[str], fmt: str, base: str, recent_size: int) -> int:
    m = IriMinter(base)
    writer = _WRITERS[fmt](out, base)
    quads = fmt in _QUAD_FORMATS
    if fmt == "jsonld":
        scheme = base.split(":", 1)[0]
        if scheme in PREFIXES:
            raise ExportError(f"base IRI scheme {scheme!r} clashes with a JSON-LD prefix; choose another base")
    # Entities and events recur at very different rates: separate memories, so a
    # stream of one-off events cannot push the actors and places out.
    recent_entities, recent_claims = _RecentSet(recent_size), _RecentSet(recent_size)
    sink = _Counter(writer)
    writer.start()
    for record in records:
        rt = record_triples(record, m, quads=quads)
        default = recent_entities.fresh(rt.shared) + rt.meta
        if quads:
            named = rt.claims + rt.assertions
        else:
            named = recent_claims.fresh(rt.claims) + rt.assertions
        sink.write(default, named, rt.graph)
    writer.finish()
    return sink.count


def export_records(
    records: Iterable[DocRecord],
    destination: str | os.PathLike | IO,
    fmt: str = "ttl",
    *,
    base: str = DEFAULT_BASE,
    recent_size: int = 50_000,
) -> int:
    """Write records as RDF, one record at a time; returns the number of triples (or quads) written.

    Args:
        records (Iterable[DocRecord]): the records, consumed lazily.
        destination (str | PathLike | IO): a file path (written to ``PATH.tmp`` and
            renamed into place when complete) or an open text or binary stream.
        fmt (str): ``ttl``, ``nt``, ``trig``, ``nq`` or ``jsonld``. Defaults to ``ttl``.
        base (str): base of the data IRIs. Defaults to ``DEFAULT_BASE``.
        recent_size (int): how many shared triples to remember per generation so
            entities repeated across records are not re-written. Defaults to 50,000.

    Raises:
        ExportError: unknown format, bad base, a date that does not exist, or a
            destination that cannot be written.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown RDF format {fmt!r}; choose one of {', '.join(FORMATS)}")
    IriMinter(base)  # fail on a bad base before touching the destination
    if isinstance(destination, (str, os.PathLike)):
        path = Path(destination)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = tmp.open("w", encoding="utf-8", errors="replace", newline="\n")
        except OSError as exc:
            raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        try:
            with fh:
                n = _export(records, fh, fmt, base, recent_size)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, path)
        return n
    if isinstance(destination, io.TextIOBase):
        return _export(records, destination, fmt, base, recent_size)
    text = io.TextIOWrapper(destination, encoding="utf-8", errors="replace", newline="\n", write_through=True)
    try:
        return _export(records, text, fmt, base, recent_size)
    finally:
        text.flush()
        text.detach()

