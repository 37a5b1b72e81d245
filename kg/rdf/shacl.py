"""Validate an export against the project's SHACL shapes (``ontology/shapes.ttl``).

Why: researchers load the export beside other linked data and rely on its
shape; a test (and ``kg export --validate``) checks every export against the
published shapes with pyshacl rather than trusting the writer.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph

import ontology
from kg.errors import ExportError

__all__ = ["validate", "load_export", "shapes_graph", "ontology_graph", "ontology_file"]


def ontology_file(name: str) -> Path:
    """A data file of ``ontology/``.

    Uses ``ontology.path``; falls back to searching the package path, because an
    editable install made before ``ontology/__init__.py`` existed imports
    ``ontology`` as a namespace package (outside the source tree) without it.
    """
    if hasattr(ontology, "path"):
        return ontology.path(name)
    for folder in getattr(ontology, "__path__", []):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise ExportError(f"ontology file {name!r} not found; reinstall the package (pip install -e .)")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The SHACL shapes of the export (``ontology/shapes.ttl``)."""
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The OWL ontology (``ontology/conflict-kg.ttl``)."""
    return Graph().parse(ontology_file("conflict-kg.ttl"), format="turtle")


def load_export(path: str | os.PathLike, fmt: str | None = None) -> Graph:
    """Parse an export file into one graph: the union of its default and named graphs.

    Args:
        path (str | PathLike): the file.
        fmt (str | None): export format (``ttl``, ``nt``, ``trig``, ``nq``, ``jsonld``);
            None guesses from the suffix. Defaults to None.
    """
    from kg.rdf.export import FORMATS, format_for_path

    p = Path(path)
    fmt = fmt or format_for_path(p)
    if fmt not in FORMATS:
        raise ExportError(f"{p}: cannot tell the RDF format; name it with --format")
    try:
        if fmt in ("trig", "nq"):
            ds = Dataset()
            ds.parse(p, format=FORMATS[fmt])
            union = Graph()
            for s, pr, o, _g in ds.quads((None, None, None, None)):
                union.add((s, pr, o))
            return union
        return Graph().parse(p, format=FORMATS[fmt])
    except ExportError:
        raise
    except Exception as exc:  # rdflib raises many parser-specific types
        raise ExportError(f"{p}: not valid {fmt}: {exc}") from exc


def _union(graph: Graph) -> Graph:
    if isinstance(graph, Dataset):
        union = Graph()
        for s, p, o, _g in graph.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return graph


def validate(graph_or_path: Graph | str | os.PathLike) -> tuple[bool, str]:
    """Check an export (graph, dataset or file) against ``ontology/shapes.ttl``.

    Named graphs are validated as one union graph: the shapes describe the
    whole export, whose entities sit in the default graph and whose assertions
    sit in each document's graph.

    Returns:
        (conforms, report_text): pyshacl's verdict and its human-readable report.
    """
    from pyshacl import validate as shacl_validate

    data = graph_or_path if isinstance(graph_or_path, Graph) else load_export(graph_or_path)
    conforms, _report_graph, text = shacl_validate(
        _union(data), shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), str(text)
