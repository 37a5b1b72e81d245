"""One exception hierarchy for the whole package.

Why: callers (the CLI above all) catch ``KgError`` once and print a clear
one-line message; nothing returns a failure status to be forgotten.

    KgError
    ├── InputError          bad input file: empty, binary, non-UTF-8, malformed JSONL
    ├── RecordError         a document record that does not validate
    ├── PipelineError       a spaCy pipeline that cannot be found or loaded
    ├── OntologyError       gazetteer or ontology data that is missing or inconsistent
    ├── StoreError          the graph store (Neo4j) is down, refuses auth or fails a write
    └── ExportError         an RDF export that cannot be written or does not conform
"""

from __future__ import annotations

__all__ = [
    "KgError",
    "InputError",
    "RecordError",
    "PipelineError",
    "OntologyError",
    "StoreError",
    "ExportError",
]


class KgError(Exception):
    """Base of every error conflict-kg raises on purpose."""


class InputError(KgError):
    """An input file cannot be read as an article or record.

    Attributes:
        path (str): the file.
        line (int | None): 1-based line number for JSONL input. Defaults to None.
    """

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class RecordError(InputError):
    """A document record line that is not valid ``kg-docrecord/1``."""


class PipelineError(KgError):
    """A spaCy pipeline that cannot be found or loaded."""


class OntologyError(KgError):
    """Gazetteer or ontology data that is missing or inconsistent."""


class StoreError(KgError):
    """The graph store is unreachable, refuses credentials, or a write failed."""


class ExportError(KgError):
    """An RDF export that cannot be written or does not conform to the shapes."""
