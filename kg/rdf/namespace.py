"""Vocabularies of the RDF export as typed namespaces.

Why: a misspelt term must fail at import time (``_fail = True``) instead of
minting a new IRI that no query or shape knows about. ``CKG`` is our own
vocabulary (``ontology/conflict-kg.ttl``), only for what SEM, PROV-O,
schema.org, WGS84 and GeoSPARQL do not cover; ``SEM`` and ``WGS84`` are here
because rdflib does not ship them (rdflib's ``WGS`` uses an ``https://`` IRI
that no published WGS84 data uses).
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["CKG", "SEM", "WGS84", "ACLED", "WD", "GEONAMES", "CKG_NS", "ACLED_NS", "PREFIXES"]

CKG_NS = "https://w3id.org/conflict-kg/ontology#"
ACLED_NS = "https://w3id.org/conflict-kg/acled/"


class CKG(DefinedNamespace):
    """conflict-kg ontology: ``https://w3id.org/conflict-kg/ontology#``."""

    _NS = Namespace(CKG_NS)
    _fail = True

    # Actor types (subclasses of sem:Actor)
    ArmedGroup: URIRef
    StateForce: URIRef
    PrivateMilitary: URIRef
    State: URIRef
    InternationalOrg: URIRef
    Person: URIRef
    OtherActor: URIRef
    # Place types (subclasses of sem:Place)
    Country: URIRef
    Region: URIRef
    Settlement: URIRef
    Site: URIRef
    # Provenance
    Document: URIRef
    Extraction: URIRef
    Assertion: URIRef
    EventAssertion: URIRef
    RelationAssertion: URIRef
    Modality: URIRef
    EventTypeScheme: URIRef
    # Properties
    hasAgent: URIRef
    hasTarget: URIRef
    fatalities: URIRef
    assertionOf: URIRef
    modality: URIRef
    evidence: URIRef
    sentenceIndex: URIRef
    startOffset: URIRef
    endOffset: URIRef
    confidence: URIRef
    countryCode: URIRef
    acledEventType: URIRef
    acledSubEventType: URIRef
    # Relation predicates (FORMAT.md spelling)
    allied_with: URIRef
    hostile_to: URIRef
    affiliated_with: URIRef
    part_of: URIRef
    merged_into: URIRef
    split_from: URIRef
    successor_of: URIRef
    leads: URIRef
    supports: URIRef
    # Modalities
    asserted: URIRef
    reported: URIRef
    unconfirmed: URIRef
    denied: URIRef
    hypothetical: URIRef
    # Event types (sem:EventType and skos:Concept individuals)
    armed_clash: URIRef
    territory_capture: URIRef
    attack: URIRef
    air_strike: URIRef
    bombing: URIRef
    abduction: URIRef
    killing: URIRef
    siege_blockade: URIRef
    coup: URIRef
    withdrawal: URIRef
    deployment: URIRef
    arrest: URIRef
    agreement: URIRef
    organization_change: URIRef
    evacuation_advisory: URIRef
    designation_sanction: URIRef
    protest: URIRef


class SEM(DefinedNamespace):
    """Simple Event Model (van Hage et al. 2011): ``http://semanticweb.cs.vu.nl/2009/11/sem/``."""

    _NS = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
    _fail = True

    Core: URIRef
    Event: URIRef
    Actor: URIRef
    Place: URIRef
    Time: URIRef
    EventType: URIRef
    ActorType: URIRef
    PlaceType: URIRef
    Role: URIRef
    RoleType: URIRef
    Constraint: URIRef
    Temporary: URIRef
    View: URIRef
    Authority: URIRef
    eventProperty: URIRef
    hasActor: URIRef
    hasPlace: URIRef
    hasTime: URIRef
    eventType: URIRef
    actorType: URIRef
    placeType: URIRef
    roleType: URIRef
    accordingTo: URIRef
    hasTimeStamp: URIRef
    hasBeginTimeStamp: URIRef
    hasEndTimeStamp: URIRef
    hasEarliestBeginTimeStamp: URIRef
    hasLatestBeginTimeStamp: URIRef
    hasEarliestEndTimeStamp: URIRef
    hasLatestEndTimeStamp: URIRef


class WGS84(DefinedNamespace):
    """W3C Basic Geo (WGS84 lat/long): ``http://www.w3.org/2003/01/geo/wgs84_pos#``."""

    _NS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
    _fail = True

    SpatialThing: URIRef
    Point: URIRef
    lat: URIRef
    long: URIRef


ACLED = Namespace(ACLED_NS)
"""ACLED event / sub-event types as SKOS concepts (ACLED publishes no IRIs of its own)."""

WD = Namespace("http://www.wikidata.org/entity/")
"""Wikidata entities: ``owl:sameAs wd:Q912``."""

GEONAMES = Namespace("https://sws.geonames.org/")
"""GeoNames features: ``owl:sameAs <https://sws.geonames.org/2460596/>``."""

PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "sem": str(SEM._NS),
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wgs": str(WGS84._NS),
    "geo": "http://www.opengis.net/ont/geosparql#",
    "sf": "http://www.opengis.net/ont/sf#",
    "wd": str(WD),
    "acled": ACLED_NS,
}
"""Prefixes written once at the top of Turtle/TriG and in the JSON-LD context."""
