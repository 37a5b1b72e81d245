"""Read and write document records as JSONL.

Why: every later stage (eval, Neo4j load, RDF export, build) starts from the
records file, so a broken line must be reported with its file and line number
and must not stop the other records from being read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from kg.errors import InputError, RecordError
from kg.models import DocRecord

__all__ = ["read_records", "iter_records", "write_records", "RecordWriter"]


def iter_records(path: str | os.PathLike, *, errors: list[RecordError] | None = None) -> Iterator[DocRecord]:
    """Yield the valid records of a JSONL file.

    Args:
        path: the records file.
        errors: when given, bad lines are appended here and skipped; when None,
            the first bad line raises ``RecordError``.
    """
    p = Path(path)
    try:
        fh = p.open("rb")
    except OSError as exc:
        raise InputError(p, f"cannot open: {exc.strerror or exc}") from exc
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
                record = DocRecord.model_validate(json.loads(text))
            except (UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
                err = RecordError(p, _describe(exc), line=lineno)
                if errors is None:
                    raise err from exc
                errors.append(err)
                continue
            yield record


def read_records(path: str | os.PathLike, *, errors: list[RecordError] | None = None) -> list[DocRecord]:
    """All valid records of a JSONL file (see ``iter_records``)."""
    return list(iter_records(path, errors=errors))


def _describe(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        return f"not a kg-docrecord/1 record ({loc}: {first.get('msg')})"
    return str(exc)


class RecordWriter:
    """Write records to a JSONL file atomically.

    Lines go to ``PATH.tmp`` and the file is renamed into place on a clean
    close, so an interrupted run never leaves a half-written records file
    where a good one was.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.path.with_name(self.path.name + ".tmp")
        self._fh = self._tmp.open("w", encoding="utf-8")
        self.count = 0

    def write(self, record: DocRecord) -> None:
        self._fh.write(record.to_json() + "\n")
        self.count += 1

    def close(self, *, commit: bool = True) -> None:
        self._fh.close()
        if commit:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(commit=exc_type is None)


def write_records(path: str | os.PathLike, records: Iterable[DocRecord]) -> int:
    """Write records to ``path`` (atomically); returns how many."""
    with RecordWriter(path) as w:
        for r in records:
            w.write(r)
    return w.count
