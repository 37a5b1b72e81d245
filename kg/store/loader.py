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

import gc
import logging
import threading
import time
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass

import neo4j

from kg.models import DocRecord
from kg.store import cypher
from kg.store.connection import Settings, open_driver, resolve_settings, store_errors
from kg.store.rows import BatchRows, build_rows, record_size

__all__ = ["LoadStats", "load_records", "ensure_schema", "write_batch", "batch_queries", "iter_batches"]

_COUNTERS = ("nodes_created", "relationships_created", "properties_set")
_CHUNK = 2000
"""Rows per query: the client packs the next chunk while the server writes this one."""
_CREATE_ATTEMPTS = 5
"""Tries of a batch whose new events another transaction keeps creating first."""


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
        retries (int): batches the driver rolled back and ran again after a
            transient error (a deadlock between writers, a lost connection).
        seconds (float): wall time, schema set-up included.
    """

    documents: int = 0
    events: int = 0
    relations: int = 0
    batches: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    retries: int = 0
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


def _plan(rows: BatchRows) -> Generator[tuple[str, list], list, None]:
    """The queries of one transaction, in dependency order: the one plan ``_write`` runs.

    Yields ``(query, params)`` and receives the results of each (a list, one
    result per chunk of rows sent; empty when the params were). Nodes come first; what the graph lacks is decided
    from the answers of five queries: the actors and places ``changed_nodes``
    finds missing or bringing something new (the others are not written), the
    documents ``merge_documents`` created (their mentions are new), and the
    events and statements ``existing_events`` / ``existing_statements`` found
    (the others are created with all their links). The answers are read only
    when needed, so the queries in between are already on their way.
    """
    actors = yield cypher.changed_nodes("Actor"), rows.actors
    places = yield cypher.changed_nodes("Place"), rows.places
    documents = yield cypher.merge_documents(), rows.documents
    changed = _column(actors, "changed")
    yield cypher.merge_actors(), [r for r in rows.actors if r["id"] in changed]
    changed = _column(places, "changed")
    yield cypher.merge_places(), [r for r in rows.places if r["id"] in changed]
    created = _column(documents, "created")
    for label, mentions in (("Actor", rows.actor_mentions), ("Place", rows.place_mentions)):
        yield cypher.create_mentions(label), [m for m in mentions if m["doc_id"] in created]
        yield cypher.merge_mentions(label), [m for m in mentions if m["doc_id"] not in created]
    existing = _column((yield cypher.existing_events(), [r["key"] for r in rows.events]), "existing")
    yield cypher.create_events(), [r for r in rows.events if r["key"] not in existing]
    yield cypher.merge_events(), [r for r in rows.events if r["key"] in existing]
    keys = [r["key"] for params in rows.statements.values() for r in params]
    existing = _column((yield cypher.existing_statements(), keys), "existing")
    for predicate, params in sorted(rows.statements.items()):
        yield cypher.create_statements(predicate), [r for r in params if r["key"] not in existing]
        yield cypher.merge_statements(predicate), [r for r in params if r["key"] in existing]


def _column(results: list, name: str) -> set[str]:
    """The values of one returned column across a query's results."""
    return {record[name] for result in results for record in result}


def batch_queries(
    rows: BatchRows,
    created_documents: set[str] | None = None,
    created_events: set[str] | None = None,
    created_statements: set[str] | None = None,
    changed_nodes: set[str] | None = None,
) -> list[tuple[str, list[dict]]]:
    """The (query, rows) pairs of one transaction, in dependency order; empty lists skipped.

    Which documents, events and statements the transaction creates is known
    only as it runs (``_write`` asks the server); given those sets, this is the
    exact plan, and without them the plan of a load into an empty graph (every
    document, event and statement new), the one the benchmark measures.
    ``changed_nodes`` are the actor and place ids ``changed_nodes`` reports
    (missing or gaining something); without it, all of them.
    """
    def changed(params: list[dict]) -> list[dict]:
        return [{"changed": r["id"]} for r in params if changed_nodes is None or r["id"] in changed_nodes]

    answers = {
        cypher.changed_nodes("Actor"): changed,
        cypher.changed_nodes("Place"): changed,
        cypher.merge_documents(): lambda params: [
            {"created": r["doc_id"]} for r in params if created_documents is None or r["doc_id"] in created_documents
        ],
        cypher.existing_events(): lambda keys: [
            {"existing": k} for k in keys if created_events is not None and k not in created_events
        ],
        cypher.existing_statements(): lambda keys: [
            {"existing": k} for k in keys if created_statements is not None and k not in created_statements
        ],
    }
    plan, steps, answer = [], _plan(rows), None
    while True:
        try:
            query, params = steps.send(answer)
        except StopIteration:
            return [(q, p) for q, p in plan if p]
        plan.append((query, params))
        answer = [answers[query](params)] if query in answers and params else []


def _write(tx: neo4j.ManagedTransaction, rows: BatchRows) -> dict[str, int]:
    """Write one batch as ``_plan`` says: nodes first, then their links, created or merged.

    ``tx.run`` returns once the server has accepted a query, not once it has
    run it, so the client packs the next query's rows while the server is
    still writing the previous one. The server runs the queries in order, in
    the one transaction; a failure in any fails the whole batch.
    """
    results: list[neo4j.Result] = []
    steps, answer = _plan(rows), None
    while True:
        try:
            query, params = steps.send(answer)
        except StopIteration:
            break
        answer = [tx.run(query, rows=_Rows(params[i : i + _CHUNK])) for i in range(0, len(params), _CHUNK)]
        results.extend(answer)
    totals = dict.fromkeys(_COUNTERS, 0)
    for result in results:
        counters = result.consume().counters
        for name in _COUNTERS:
            totals[name] += getattr(counters, name)
    return totals


class _Rows(list):
    """The ``$rows`` parameter: a list whose ``repr`` is its length.

    Why: the driver formats every query's parameters for its debug log before
    it knows whether debug logging is on (``" ".join(map(repr, fields))``), so
    a batch's rows were turned into text and thrown away: 13 us per event, a
    tenth of the client's time. With this, a debug log says ``<500 rows>``
    instead of megabytes; the rows are packed as any list.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def write_batch(session: neo4j.Session, rows: BatchRows) -> dict[str, int]:
    """Write one batch in one managed transaction (retried whole on transient errors); returns the server's counters."""
    return session.execute_write(_write, rows)


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
    writers: int = 2,
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
        writers (int): transactions in flight at once, each in its own session.
            Two keep both the client and the server busy (one packs a batch while
            the server writes the other); batches may then commit out of order,
            which changes nothing but which record "first" names an actor.
            Defaults to 2.
        progress (bool): show a progress bar on stderr. Defaults to False.

    Returns:
        LoadStats: counts, server counters and wall time.

    Raises:
        StoreError: server unreachable, credentials refused, or a write failed
            (batches committed before the failure stay committed; with several
            writers, batches already in flight finish first).
    """
    if writers < 1:
        raise ValueError(f"writers must be at least 1, got {writers}")
    settings = resolve_settings(uri, user, password, database)
    stats = LoadStats()
    started = time.perf_counter()
    retries = _RetryCounter()
    driver_log = logging.getLogger("neo4j.session")
    driver_log.addFilter(retries)
    try:
        with open_driver(settings) as driver:
            _load(driver, settings, records, stats, batch_size, writers, progress)
    finally:
        driver_log.removeFilter(retries)
        stats.retries = retries.count
    stats.seconds = time.perf_counter() - started
    return stats


def _load(
    driver: neo4j.Driver,
    settings: Settings,
    records: Iterable[DocRecord],
    stats: LoadStats,
    batch_size: int,
    writers: int,
    progress: bool,
) -> None:
    """The body of ``load_records``: schema, then batches through ``writers`` sessions."""
    total = len(records) if hasattr(records, "__len__") else None  # type: ignore[arg-type]
    ensure_schema(driver, settings)
    bar = _progress_bar(total) if progress else None

    def write(number: int, batch: list[DocRecord], rows: BatchRows) -> tuple[list[DocRecord], dict[str, int]]:
        with store_errors(settings, f"writing batch {number} (records {batch[0].doc_id!r}...)"):
            with driver.session(database=settings.database) as session:
                for attempt in range(1, _CREATE_ATTEMPTS + 1):
                    try:
                        return batch, write_batch(session, rows)
                    except neo4j.exceptions.ConstraintError:
                        # Another transaction created an event this one was creating: the
                        # batch rolled back whole; on the next attempt it merges into it.
                        if attempt == _CREATE_ATTEMPTS:
                            raise
        raise AssertionError("unreachable")

    def done(future: Future) -> None:
        batch, counters = future.result()
        stats.batches += 1
        stats.documents += len(batch)
        stats.events += sum(len(r.events) for r in batch)
        stats.relations += sum(len(r.relations) for r in batch)
        for name, value in counters.items():
            setattr(stats, name, getattr(stats, name) + value)
        if bar is not None:
            bar.update(len(batch))

    errors: list[BaseException] = []

    def settle(futures: Iterable[Future]) -> None:
        for future in futures:
            try:
                done(future)
            except BaseException as exc:  # noqa: BLE001 - the first is re-raised below
                errors.append(exc)

    try:
        with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="kg-load") as pool:
            in_flight: set[Future] = set()
            try:
                for number, batch in enumerate(iter_batches(records, batch_size), start=1):
                    rows = _build_rows_without_gc(batch)  # packed while the writers wait on the server
                    while len(in_flight) >= writers and not errors:
                        finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                        settle(finished)
                    if errors:
                        break
                    in_flight.add(pool.submit(write, number, batch, rows))
            finally:
                settle(in_flight)  # batches in flight finish (commit or fail) first
        if errors:
            raise errors[0]
    finally:
        if bar is not None:
            bar.close()


class _RetryCounter(logging.Filter):
    """Counts the driver's "will be retried" warnings (and keeps them off the console).

    Why: ``execute_write`` retries a batch after a transient error on its own
    and only says so in a warning; the load reports how many there were in
    ``LoadStats.retries`` instead of printing a stack of lock details.
    """

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if "will be retried" in str(record.msg):
            with self._lock:
                self.count += 1
            return False
        return True


def _build_rows_without_gc(batch: list[DocRecord]) -> BatchRows:
    """``build_rows`` with Python's cyclic garbage collector paused.

    Why: building rows allocates tens of thousands of small dicts and lists,
    none in a reference cycle, and every few hundred allocations the collector
    walks the young objects: measured on 20,000 synthetic events, half the
    time of ``build_rows`` (47 -> 23 microseconds per event with it paused).
    Reference counting still frees everything; the pause ends with the batch.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build_rows(batch)
    finally:
        if enabled:
            gc.enable()


def _progress_bar(total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="kg load", leave=False, dynamic_ncols=True)

