"""Event types and their place in the ACLED taxonomy, read from ``ontology/event_types.yaml``.

Why: the CSV export, the RDF ontology and the docs all name ACLED categories;
keeping the mapping as data in one file means they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

import ontology
from kg.errors import OntologyError
from kg.models import EventType

__all__ = ["EventTypeInfo", "event_types", "acled_category"]


@dataclass(frozen=True)
class EventTypeInfo:
    """One event type.

    Attributes:
        type (EventType): the type.
        label (str): human label.
        comment (str): what it covers.
        acled_event_type (str | None): ACLED event type, None where ACLED has no home.
        acled_sub_event_type (str | None): ACLED sub-event type.
    """

    type: EventType
    label: str
    comment: str
    acled_event_type: str | None
    acled_sub_event_type: str | None


@lru_cache(maxsize=1)
def event_types() -> dict[EventType, EventTypeInfo]:
    """All event types, keyed by type; every ``EventType`` must be described."""
    p = ontology.path("event_types.yaml")
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    out: dict[EventType, EventTypeInfo] = {}
    for name, spec in data.items():
        try:
            et = EventType(name)
        except ValueError as exc:
            raise OntologyError(f"{p}: unknown event type {name!r}") from exc
        out[et] = EventTypeInfo(et, spec["label"], spec["comment"], spec.get("acled_event_type"), spec.get("acled_sub_event_type"))
    missing = set(EventType) - set(out)
    if missing:
        raise OntologyError(f"{p}: event types not described: {sorted(m.value for m in missing)}")
    return out


def acled_category(event_type: EventType | str) -> tuple[str | None, str | None]:
    """(ACLED event type, sub-event type) for one of our event types."""
    info = event_types()[EventType(event_type)]
    return info.acled_event_type, info.acled_sub_event_type
