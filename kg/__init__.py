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

#: Public functions whose modules import spaCy, rdflib or the Neo4j driver: loaded on first use,
#: so ``import kg`` (and ``kg --help``) stays fast.
_LAZY = {
    "extract_paths": "kg.extract",
    "extract_articles": "kg.extract",
    "build_pipeline": "kg.pipeline",
    "load_gazetteer": "kg.gazetteer",
    "iter_articles": "kg.ingest",
    "Article": "kg.ingest",
    "score": "kg.evaluate",
    "load_gold": "kg.evaluate",
    "export_records": "kg.rdf",
    "load_into_neo4j": "kg.store",
    "build": "kg.build",
    "build_corpus_graph": "kg.corpus",
    "filter_events": "kg.corpus",
    "draw_timeline": "kg.plots",
    "draw_actor_map": "kg.plots",
}
_RENAMED = {"load_into_neo4j": "load_records"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value


__all__ = [
    "__version__",
    *sorted(_LAZY),
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
