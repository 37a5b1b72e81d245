"""RDF export of the knowledge graph: SEM + PROV-O + schema.org, SHACL-validated, with a SPARQL cookbook.

Why: researchers take the graph out as RDF and query it beside other linked
data. ``kg build`` and ``kg export`` call ``export_records``; tests and
``kg export --validate`` call ``validate``. See docs/rdf.md.
"""

from __future__ import annotations

from kg.rdf.export import FORMATS, export_records
from kg.rdf.iris import DEFAULT_BASE, IriMinter, actor_iri, event_iri, place_iri
from kg.rdf.namespace import CKG, SEM, WGS84
from kg.rdf.shacl import load_export, validate
from kg.rdf.sparql import QUERIES, run_query

__all__ = [
    "DEFAULT_BASE",
    "FORMATS",
    "CKG",
    "SEM",
    "WGS84",
    "IriMinter",
    "actor_iri",
    "place_iri",
    "event_iri",
    "export_records",
    "load_export",
    "validate",
    "QUERIES",
    "run_query",
]
