"""The Neo4j store: an idempotent batched loader and the Cypher cookbook.

Why: analysts query the graph in Neo4j. ``load_records`` MERGEs document
records into it (safe to rerun, sources accumulate), ``run_query`` runs the
named queries of ``kg/queries/*.cypher``. The graph model is documented in
``docs/neo4j.md``.
"""

from __future__ import annotations

from kg.store.cookbook import Query, QueryError, list_queries, run_query
from kg.store.loader import LoadStats, load_records

__all__ = ["load_records", "LoadStats", "run_query", "list_queries", "Query", "QueryError"]
