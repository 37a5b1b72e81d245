"""conflict-kg: news articles about armed conflict -> a typed, sourced knowledge graph."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kg.errors import (
    ExportError,
    InputError,
    KgError,
    OntologyError,
    PipelineError,
    RecordError,
    StoreError,
)
from kg.models import (
    Actor,
    ActorType,
    DocRecord,
    Event,
    EventType,
    Modality,
    Place,
    PlaceType,
    Predicate,
    Relation,
)
from kg.records import read_records, write_records

try:
    __version__ = version("conflict-kg")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+src"

__all__ = [
    "__version__",
    "Actor",
    "ActorType",
    "DocRecord",
    "Event",
    "EventType",
    "Modality",
    "Place",
    "PlaceType",
    "Predicate",
    "Relation",
    "read_records",
    "write_records",
    "KgError",
    "InputError",
    "RecordError",
    "PipelineError",
    "OntologyError",
    "StoreError",
    "ExportError",
]
