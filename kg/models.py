"""The one definition of a document record and its facts.

Why: the JSON record (``kg-docrecord/1``, see ``../shared/eval/FORMAT.md``),
the Cypher parameters the Neo4j loader sends and the RDF the exporter writes
all derive from these pydantic models, so the three can never drift apart.
Fields beyond FORMAT.md (offsets, sentence index, extractor, QIDs,
coordinates) are optional extras; a gold record validates as it is.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SCHEMA",
    "ActorType",
    "PlaceType",
    "EventType",
    "Predicate",
    "Modality",
    "SYMMETRIC_PREDICATES",
    "Mention",
    "Actor",
    "Place",
    "Event",
    "Relation",
    "DocRecord",
    "date_precision",
    "IsoDate",
]

SCHEMA = "kg-docrecord/1"

_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    if not _DATE_RE.match(value):
        raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


IsoDate = Annotated[str | None, AfterValidator(_check_date)]
"""An ISO date at the precision the text gives (``2024``, ``2024-05``, ``2024-05-01``) or None."""


def date_precision(value: str | None) -> Literal["year", "month", "day"] | None:
    """Precision of an ISO date string: ``2024`` year, ``2024-05`` month, ``2024-05-01`` day."""
    if value is None:
        return None
    return {4: "year", 7: "month", 10: "day"}[len(value)]


class ActorType(StrEnum):
    """Actor types of FORMAT.md."""

    ArmedGroup = "ArmedGroup"
    StateForce = "StateForce"
    PrivateMilitary = "PrivateMilitary"
    State = "State"
    InternationalOrg = "InternationalOrg"
    Person = "Person"
    Other = "Other"


class PlaceType(StrEnum):
    """Place types of FORMAT.md."""

    Country = "Country"
    Region = "Region"
    Settlement = "Settlement"
    Site = "Site"


class EventType(StrEnum):
    """Event types of FORMAT.md; their ACLED mapping lives in ``ontology/``."""

    armed_clash = "armed_clash"
    territory_capture = "territory_capture"
    attack = "attack"
    air_strike = "air_strike"
    bombing = "bombing"
    abduction = "abduction"
    killing = "killing"
    siege_blockade = "siege_blockade"
    coup = "coup"
    withdrawal = "withdrawal"
    deployment = "deployment"
    arrest = "arrest"
    agreement = "agreement"
    organization_change = "organization_change"
    evacuation_advisory = "evacuation_advisory"
    designation_sanction = "designation_sanction"
    protest = "protest"


class Predicate(StrEnum):
    """Actor-to-actor relation predicates of FORMAT.md."""

    allied_with = "allied_with"
    hostile_to = "hostile_to"
    affiliated_with = "affiliated_with"
    part_of = "part_of"
    merged_into = "merged_into"
    split_from = "split_from"
    successor_of = "successor_of"
    leads = "leads"
    supports = "supports"


SYMMETRIC_PREDICATES = frozenset({Predicate.allied_with, Predicate.hostile_to})


class Modality(StrEnum):
    """How the source stands behind a fact."""

    asserted = "asserted"
    reported = "reported"
    unconfirmed = "unconfirmed"
    denied = "denied"
    hypothetical = "hypothetical"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_assignment=False)


class Mention(_Model):
    """One place in the text where an actor or place is named.

    Attributes:
        start (int): character offset of the first character in the document text.
        end (int): character offset one past the last character.
        text (str): the surface form as written.
        sentence (int | None): index of the sentence holding it. Defaults to None.
    """

    start: int
    end: int
    text: str
    sentence: int | None = None


class Actor(_Model):
    """A canonical actor named in one document.

    Attributes:
        id (str): local id, unique in the record; events and relations point at it.
        name (str): canonical name.
        type (ActorType): actor type.
        aliases (list[str]): every name the actor goes by (gazetteer aliases and
            the surface forms seen in the text).
        qid (str | None): Wikidata QID where known. Defaults to None.
        mentions (list[Mention]): where the text names it. Defaults to [].
    """

    id: str
    name: str
    type: ActorType
    aliases: list[str] = Field(default_factory=list)
    qid: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Place(_Model):
    """A resolved place named in one document.

    Attributes:
        id (str): local id, unique in the record.
        name (str): canonical name.
        type (PlaceType): place type.
        country (str | None): ISO 3166-1 alpha-2 code. Defaults to None.
        aliases (list[str]): names and spellings. Defaults to [].
        lat (float | None): WGS84 latitude. Defaults to None.
        lon (float | None): WGS84 longitude. Defaults to None.
        geonames_id (int | None): GeoNames id where known. Defaults to None.
        qid (str | None): Wikidata QID where known. Defaults to None.
        mentions (list[Mention]): where the text names it. Defaults to [].
    """

    id: str
    name: str
    type: PlaceType
    country: str | None = None
    aliases: list[str] = Field(default_factory=list)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    geonames_id: int | None = None
    qid: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class _Fact(_Model):
    """Provenance shared by events and relations."""

    modality: Modality = Modality.asserted
    evidence: str = ""
    sentence: int | None = None
    start: int | None = None
    end: int | None = None
    extractor: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)


class Event(_Fact):
    """Something that happened (or is reported, doubted, threatened).

    Attributes:
        type (EventType): event type.
        agents (list[str]): actor ids of who acted.
        targets (list[str]): actor or place ids of who or what it was done to.
        location (str | None): place id where it happened.
        date (str | None): ISO date at the precision the text gives.
        fatalities (int | None): a death toll the text states.
        modality (Modality): how the source stands behind it. Defaults to asserted.
        evidence (str): the sentence or clause that says it.
        id (str | None): local id. Defaults to None.
        sentence, start, end (int | None): where the evidence sits in the text.
        extractor (str | None): the component that produced it.
        confidence (float | None): 0..1. Defaults to None.
    """

    type: EventType
    id: str | None = None
    agents: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    location: str | None = None
    date: IsoDate = None
    fatalities: int | None = Field(default=None, ge=0)


class Relation(_Fact):
    """An actor-to-actor relation the text states.

    Attributes:
        subject (str): actor id.
        predicate (Predicate): one of the nine predicates.
        object (str): actor id.
        date (str | None): when the relation held or began, where stated. Defaults to None.
    """

    subject: str
    predicate: Predicate
    object: str
    date: IsoDate = None


class DocRecord(_Model):
    """Everything one document asserts: ``kg-docrecord/1``.

    Attributes:
        schema (str): always ``kg-docrecord/1``.
        doc_id (str): file stem or JSONL ``id``.
        published (str | None): publication date (ISO) from metadata or text.
        actors, places, events, relations: the facts.
        title (str | None), url (str | None), source (str | None): metadata.
        pipeline (str | None): the spaCy pipeline and version that produced it.
    """

    schema_: Literal["kg-docrecord/1"] = Field(default=SCHEMA, alias="schema")
    doc_id: str = Field(min_length=1)
    published: IsoDate = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    pipeline: str | None = None
    actors: list[Actor] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _ids_resolve(self) -> "DocRecord":
        actor_ids = {a.id for a in self.actors}
        place_ids = {p.id for p in self.places}
        if len(actor_ids) != len(self.actors):
            raise ValueError(f"{self.doc_id}: duplicate actor ids")
        if len(place_ids) != len(self.places):
            raise ValueError(f"{self.doc_id}: duplicate place ids")
        known = actor_ids | place_ids
        for e in self.events:
            for ref in [*e.agents, *e.targets]:
                if ref not in known:
                    raise ValueError(f"{self.doc_id}: event refers to unknown id {ref!r}")
            if e.location is not None and e.location not in place_ids:
                raise ValueError(f"{self.doc_id}: event location {e.location!r} is not a place id")
        for r in self.relations:
            for ref in (r.subject, r.object):
                if ref not in actor_ids:
                    raise ValueError(f"{self.doc_id}: relation refers to unknown actor {ref!r}")
        return self

    def to_json(self) -> str:
        """One JSONL line, FORMAT.md field names, no nulls dropped."""
        return self.model_dump_json(by_alias=True)

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def place(self, place_id: str) -> Place | None:
        return next((p for p in self.places if p.id == place_id), None)
