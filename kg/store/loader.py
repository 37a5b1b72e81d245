"""Load document records into Neo4j: batched, idempotent, safe to rerun.

Why: analysts load each day's new articles. Every write MERGEs on a
constrained key, so loading the same records again leaves the graph as it
was, and a second batch of articles merges into the actors, places, events
and relations already there, adding its documents as sources. Whole
records go into one managed transaction (``session.execute_write``, retried
on transient errors), so a failure mid-load leaves only complete, committed
batches behind and rerunning the load completes it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass

import neo4j

from kg.models import DocRecord
from kg.store import cypher
from kg.store.connection import Settings, open_driver, resolve_settings, store_errors
from kg.store.rows import BatchRows, build_rows, record_size

__all__ = ["LoadStats", "load_records", "ensure_schema", "write_batch", "batch_queries", "iter_batches"]

_COUNTERS = ("nodes_created", "relationships_created", "properties_set")


@dataclass
class LoadStats:
    """What a load did.

    Attributes:
        documents (int): records loaded.
        events (int): event statements loaded (one per event per record).
        relations (int): relation statements loaded.
        batches (int): transactions committed.
        nodes_created (int): new nodes (0 on a rerun).
        relationships_created (int): new relationships (0 on a rerun).
        properties_set (int): property writes the server counted.
        seconds (float): wall time, schema set-up included.
    """

    documents: int = 0
    events: int = 0
    relations: int = 0
    batches: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        """Event statements loaded per second of wall time."""
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Plain dict (with ``events_per_second``) for JSON output."""
        return {**asdict(self), "events_per_second": round(self.events_per_second, 1)}


def ensure_schema(driver: neo4j.Driver, settings: Settings) -> None:
    """Create the uniqueness constraints and indexes (if missing) and wait until they are online."""
    with store_errors(settings, "creating constraints and indexes"):
        with driver.session(database=settings.database) as session:
            for statement in cypher.SCHEMA_STATEMENTS:
                session.run(statement).consume()
            session.run("CALL db.awaitIndexes(300)").consume()


def batch_queries(rows: BatchRows) -> list[tuple[str, list[dict]]]:
    """The (query, rows) pairs of one transaction, in dependency order; empty lists skipped."""
    plan = [
        (cypher.merge_documents(), rows.documents),
        (cypher.merge_actors(), rows.actors),
        (cypher.merge_places(), rows.places),
        (cypher.merge_mentions("Actor"), rows.actor_mentions),
        (cypher.merge_mentions("Place"), rows.place_mentions),
        (cypher.merge_events(), rows.events),
        *((cypher.merge_statements(p), r) for p, r in sorted(rows.statements.items())),
    ]
    return [(query, params) for query, params in plan if params]


def _write(tx: neo4j.ManagedTransaction, plan: list[tuple[str, list[dict]]]) -> dict[str, int]:
    """Send every query of the batch, then collect the results.

    ``tx.run`` returns once the server has accepted a query, not once it has
    run it, so the client packs the next query's rows while the server is
    still writing the previous one; the server runs them in order, in the one
    transaction, and a failure in any of them fails the whole batch.
    """
    results = [tx.run(query, rows=params) for query, params in plan]
    totals = dict.fromkeys(_COUNTERS, 0)
    for result in results:
        counters = result.consume().counters
        for name in _COUNTERS:
            totals[name] += getattr(counters, name)
    return totals


def write_batch(session: neo4j.Session, rows: BatchRows) -> dict[str, int]:
    """Write one batch in one managed transaction; returns the server's counters."""
    return session.execute_write(_write, batch_queries(rows))


def iter_batches(records: Iterable[DocRecord], batch_size: int) -> Iterator[list[DocRecord]]:
    """Whole records, grouped until a batch holds ``batch_size`` rows (a big record goes alone)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    batch: list[DocRecord] = []
    size = 0
    for record in records:
        n = record_size(record)
        if batch and size + n > batch_size:
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += n
    if batch:
        yield batch


def load_records(
    records: Iterable[DocRecord],
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 1000,
    progress: bool = False,
) -> LoadStats:
    """Load records into Neo4j, MERGEing on stable keys so reruns change nothing.

    Args:
        records (Iterable[DocRecord]): the records; a sized collection gives the
            progress bar a total.
        uri (str | None): defaults to ``NEO4J_URI``, then ``bolt://127.0.0.1:7687``.
        user (str | None): defaults to ``NEO4J_USER``, then ``neo4j``.
        password (str | None): defaults to ``NEO4J_PASSWORD``.
        database (str | None): defaults to ``NEO4J_DATABASE``, then the server's default.
        batch_size (int): rows per transaction (a record counts 1 + its actors,
            places, events and relations; records are never split). Defaults to 1000.
        progress (bool): show a progress bar on stderr. Defaults to False.

    Returns:
        LoadStats: counts, server counters and wall time.

    Raises:
        StoreError: server unreachable, credentials refused, or a write failed
            (batches committed before the failure stay committed).
    """
    settings = resolve_settings(uri, user, password, database)
    stats = LoadStats()
    started = time.perf_counter()
    total = len(records) if hasattr(records, "__len__") else None  # type: ignore[arg-type]
    with open_driver(settings) as driver:
        ensure_schema(driver, settings)
        bar = _progress_bar(total) if progress else None
        try:
            with driver.session(database=settings.database) as session:
                for batch, rows in _prepared(iter_batches(records, batch_size)):
                    with store_errors(settings, f"writing batch {stats.batches + 1} (records {batch[0].doc_id!r}...)"):
                        counters = write_batch(session, rows)
                    stats.batches += 1
                    stats.documents += len(batch)
                    stats.events += sum(len(r.events) for r in batch)
                    stats.relations += sum(len(r.relations) for r in batch)
                    for name, value in counters.items():
                        setattr(stats, name, getattr(stats, name) + value)
                    if bar is not None:
                        bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
    stats.seconds = time.perf_counter() - started
    return stats


def _prepared(batches: Iterator[list[DocRecord]]) -> Iterator[tuple[list[DocRecord], BatchRows]]:
    """Batches with their rows, the next batch's rows built in a helper thread.

    Building rows is pure Python; the main thread mostly waits on the server
    meanwhile (releasing the GIL), so the two overlap. At most one batch is
    built ahead, so memory stays at two batches.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load-rows") as pool:
        pending: tuple[list[DocRecord], Future[BatchRows]] | None = None
        for batch in batches:
            ahead = (batch, pool.submit(build_rows, batch))
            if pending is not None:
                yield pending[0], pending[1].result()
            pending = ahead
        if pending is not None:
            yield pending[0], pending[1].result()


def _progress_bar(total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="kg load", leave=False, dynamic_ncols=True)

