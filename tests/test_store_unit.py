"""kg.store without a server: rows derived from the models, query text, cookbook, CLI errors."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import socket
from unittest.mock import MagicMock

import neo4j
import pytest
from typer.testing import CliRunner

import kg.store
from kg.cli import app
from kg.errors import StoreError
from kg.keys import event_key, relation_key
from kg.models import Predicate
from kg.store import cypher
from kg.store.cookbook import QueryError, bind_params, get_query, list_queries
from kg.store.connection import resolve_settings
from kg.store.loader import batch_queries, iter_batches, write_batch
from kg.store.rows import build_rows, date_span, record_size

HOSTILE = "Robert'); MATCH (n) DETACH DELETE n; // {y} `back`tick <http://x> \"q\""


def test_public_api_is_exported():
    assert set(kg.store.__all__) >= {"load_records", "run_query", "LoadStats"}
    for name in kg.store.__all__:
        assert hasattr(kg.store, name), name


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2024-03-01", (dt.date(2024, 3, 1), dt.date(2024, 3, 1))),
        ("2024-02", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("2023", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        (None, (None, None)),
    ],
)
def test_date_span_covers_the_precision_given(value, span):
    assert date_span(value) == span


def test_rows_use_the_shared_keys_and_merge_repeats_within_a_batch(small_records):
    rows = build_rows(small_records)
    a, b, _ = small_records
    kati = next(e for e in a.events if e.type.value == "attack")
    kati_row = next(r for r in rows.events if r["key"] == event_key(kati))
    # brief-a and brief-b report the same Kati attack: one event row, two sources, two provenance rows
    assert kati_row["fatalities"] == 12
    assert kati_row["date_from"] == "2024-03-01"  # made a Neo4j date by the query
    assert kati_row["target_actors"] == ["mali-armed-forces"] and kati_row["target_places"] == []
    reports = kati_row["reports"]
    assert [(r["doc_id"], r["sentence"], r["start"], r["end"], r["modality"]) for r in reports] == [
        ("brief-a", 0, 0, 77, "asserted"),
        ("brief-b", 1, 48, 103, "reported"),
    ]
    # one row per canonical actor even though jnim appears in all three records
    assert [r["id"] for r in rows.actors].count("jnim") == 1
    # FAMa hostile_to JNIM (brief-b) is JNIM hostile_to FAMa (brief-a): one statement
    hostile = relation_key(a.relations[1])
    assert hostile == relation_key(b.relations[1]) == "jnim|hostile_to|mali-armed-forces"
    statement = next(r for r in rows.statements[Predicate.hostile_to] if r["key"] == hostile)
    assert [r["doc_id"] for r in statement["reports"]] == ["brief-a", "brief-b"] and statement["symmetric"] is True
    assert [r["subject"] for r in statement["reports"]] == ["jnim", "mali-armed-forces"]  # as each source stated it
    for predicate, statements in rows.statements.items():
        assert {r["predicate"] for r in statements} == {predicate.value}


def test_hostile_names_travel_as_parameters_only(small_records):
    rows = build_rows(small_records)
    texts = [q for q, _ in batch_queries(rows)]
    assert any(r["name"] == HOSTILE for r in rows.actors)
    for text in texts:
        assert "Robert" not in text and "brief-c" not in text and "$rows" in text
        assert text.startswith(f"{cypher.PLAN_OPTIONS}\nUNWIND $rows AS ")


def test_relationship_types_come_only_from_the_predicate_enum():
    assert cypher.relation_type("allied_with") == "ALLIED_WITH"
    assert "MERGE (s)-[rel:SUPPORTS]->(o)" in cypher.merge_statements(Predicate.supports)
    for bad in ("ALLIED_WITH]->() DETACH DELETE", "allied_with`", "knows"):
        with pytest.raises(ValueError):
            cypher.merge_statements(bad)
    with pytest.raises(ValueError):
        cypher.merge_mentions("Actor) DETACH DELETE (n")


def test_schema_constrains_every_merge_key():
    schema = "\n".join(cypher.SCHEMA_STATEMENTS)
    for label, key in [("Actor", "id"), ("Place", "id"), ("Event", "key"), ("Document", "doc_id"), ("Statement", "key")]:
        assert re.search(rf"FOR \(\w:{label}\) REQUIRE \w\.{key} IS UNIQUE", schema), label
    assert "POINT INDEX" in schema


def test_batches_keep_records_whole(small_records):
    sizes = [record_size(r) for r in small_records]
    batches = list(iter_batches(small_records, sizes[0] + 1))
    assert [len(b) for b in batches] == [1, 1, 1]
    assert list(iter_batches(small_records, 10_000)) == [small_records]
    with pytest.raises(ValueError):
        list(iter_batches(small_records, 0))


def test_write_batch_sends_the_plan_for_what_the_server_says_it_created(small_records):
    """Nodes first, only those the server says are missing or gain something; mentions of documents the
    server created and events it lacks are CREATEd, the rest MERGEd."""
    rows = build_rows(small_records)
    old = [r["key"] for r in rows.events[1:]]  # the graph holds every event but the first
    new_actor = rows.actors[0]["id"]  # ... and every actor and place but this actor
    created = {
        cypher.changed_nodes("Actor"): [{"changed": new_actor}],
        cypher.merge_documents(): [{"created": "brief-a"}],
        cypher.existing_events(): [{"existing": k} for k in old],
    }
    session = MagicMock(spec=neo4j.Session)
    session.execute_write.side_effect = lambda fn, rows: fn(tx, rows)
    tx = MagicMock(spec=neo4j.ManagedTransaction)

    def run(query, rows):
        result = MagicMock(spec=neo4j.Result)
        result.__iter__.return_value = iter(created.get(query, []))
        result.consume.return_value.counters.nodes_created = 1
        result.consume.return_value.counters.relationships_created = 2
        result.consume.return_value.counters.properties_set = 3
        return result

    tx.run.side_effect = run
    counters = write_batch(session, rows)
    session.execute_write.assert_called_once()
    sent = [(c.args[0], c.kwargs["rows"]) for c in tx.run.call_args_list]
    assert sent == batch_queries(rows, {"brief-a"}, {rows.events[0]["key"]}, changed_nodes={new_actor})
    assert sent[:3] == [
        (cypher.changed_nodes("Actor"), rows.actors),
        (cypher.changed_nodes("Place"), rows.places),
        (cypher.merge_documents(), rows.documents),
    ]
    by_query = dict(sent)
    assert by_query[cypher.merge_actors()] == [rows.actors[0]]
    assert cypher.merge_places() not in by_query
    assert {m["doc_id"] for m in by_query[cypher.create_mentions("Actor")]} == {"brief-a"}
    assert "brief-a" not in {m["doc_id"] for m in by_query[cypher.merge_mentions("Actor")]}
    assert by_query[cypher.existing_events()] == [r["key"] for r in rows.events]
    assert [r["key"] for r in by_query[cypher.create_events()]] == [rows.events[0]["key"]]
    assert [r["key"] for r in by_query[cypher.merge_events()]] == old
    assert counters == {"nodes_created": len(sent), "relationships_created": 2 * len(sent), "properties_set": 3 * len(sent)}


def test_an_empty_graph_plan_creates_every_link(small_records):
    rows = build_rows(small_records)
    queries = [q for q, _ in batch_queries(rows)]
    assert cypher.merge_events() not in queries and cypher.merge_mentions("Actor") not in queries
    assert cypher.create_events() in queries and cypher.create_mentions("Place") in queries


def test_a_document_twice_in_a_batch_is_one_document_with_one_report_per_statement(small_records):
    rows = build_rows([small_records[0], small_records[0].model_copy(deep=True)])
    assert [d["doc_id"] for d in rows.documents] == [small_records[0].doc_id]
    assert len(rows.actor_mentions) == len(small_records[0].actors)
    assert all(len(r["reports"]) == 1 and r["sources"] == [small_records[0].doc_id] for r in rows.events)


def test_load_records_with_a_mocked_driver(monkeypatch, small_records):
    driver = MagicMock(spec=neo4j.Driver)
    session = driver.session.return_value.__enter__.return_value
    session.execute_write.return_value = {"nodes_created": 5, "relationships_created": 7, "properties_set": 0}
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", MagicMock(return_value=driver))
    stats = kg.store.load_records(small_records, uri="bolt://example:7687", password="pw-from-test")
    neo4j.GraphDatabase.driver.assert_called_once()
    assert neo4j.GraphDatabase.driver.call_args.kwargs["auth"] == ("neo4j", "pw-from-test")
    driver.verify_connectivity.assert_called_once()
    schema_sent = [c.args[0] for c in session.run.call_args_list]
    assert schema_sent[: len(cypher.SCHEMA_STATEMENTS)] == list(cypher.SCHEMA_STATEMENTS)
    assert (stats.documents, stats.events, stats.relations, stats.batches) == (3, 7, 8, 1)
    assert (stats.nodes_created, stats.relationships_created) == (5, 7)
    driver.close.assert_called_once()


def test_driver_retries_are_counted_not_printed(monkeypatch, small_records, caplog):
    """A batch the driver retries (a deadlock between writers) shows in the stats, not as a lock dump."""
    driver = MagicMock(spec=neo4j.Driver)
    session = driver.session.return_value.__enter__.return_value

    def retried_once(fn, rows):
        logging.getLogger("neo4j.session").warning("Transaction failed and will be retried in %ss (%s)", 0.9, "deadlock")
        logging.getLogger("neo4j.session").warning("something else")
        return {"nodes_created": 1, "relationships_created": 0, "properties_set": 0}

    session.execute_write.side_effect = retried_once
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", MagicMock(return_value=driver))
    stats = kg.store.load_records(small_records, uri="bolt://example:7687", password="pw", batch_size=1)
    assert stats.batches == 3 and stats.retries == 3
    logged = [r.getMessage() for r in caplog.records]
    assert logged.count("something else") == 3 and not any("will be retried" in m for m in logged)
    assert not logging.getLogger("neo4j.session").filters  # the counter is gone after the load


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "analyst")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    settings = resolve_settings()
    assert (settings.uri, settings.user, settings.password) == ("bolt://db.example:7687", "analyst", "s3cret-pass")
    assert "s3cret" not in repr(settings)
    monkeypatch.delenv("NEO4J_PASSWORD")
    with pytest.raises(StoreError, match="NEO4J_PASSWORD is not set"):
        resolve_settings()


# --- cookbook -------------------------------------------------------------------------

EXPECTED_QUERIES = {"allies", "enemies", "attacks-by", "events-near", "timeline", "shortest-path", "sources"}


def test_cookbook_has_every_query_with_a_header():
    queries = {q.name: q for q in list_queries()}
    assert set(queries) >= EXPECTED_QUERIES
    for q in queries.values():
        assert q.description and q.params
        for p in q.params:
            assert f"${p.name}" in q.text, (q.name, p.name)


def test_bind_params_positional_named_defaults_and_types():
    q = get_query("attacks-by")
    bound = bind_params(q, ["JNIM", "2024"], {"to": "2024"})
    assert bound == {"actor": "JNIM", "from": dt.date(2024, 1, 1), "to": dt.date(2024, 12, 31), "type": "attack"}
    assert bind_params(get_query("events-near"), ["Bamako"])["km"] == 50.0
    assert bind_params(get_query("allies"), [HOSTILE])["actor"] == HOSTILE
    with pytest.raises(QueryError, match="missing parameter 'actor'"):
        bind_params(q, [])
    with pytest.raises(QueryError, match="unknown parameter"):
        bind_params(q, ["JNIM"], {"actr": "x"})
    with pytest.raises(QueryError, match="expects date"):
        bind_params(q, ["JNIM", "last year"])
    with pytest.raises(QueryError, match="expects float"):
        bind_params(get_query("events-near"), ["Bamako", "far"])
    with pytest.raises(QueryError, match="too many"):
        bind_params(get_query("timeline"), ["a", "b"])
    with pytest.raises(QueryError, match="no cookbook query"):
        get_query("drop-everything")


# --- CLI errors without a server ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_server_down_is_one_error_line(monkeypatch, small_records_path):
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever-pass")
    uri = f"bolt://127.0.0.1:{_free_port()}"
    result = CliRunner().invoke(app, ["load", str(small_records_path), "--uri", uri, "--no-progress"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot reach Neo4j at {uri}")


def test_cli_needs_the_password_in_the_environment(monkeypatch, small_records_path):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = CliRunner().invoke(app, ["query", "allies", "JNIM"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: NEO4J_PASSWORD is not set: export the Neo4j password (it is never taken on the command line)"
    )


def test_cli_bad_query_arguments_fail_before_connecting(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever-pass")
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", MagicMock(side_effect=AssertionError("connected")))
    runner = CliRunner()
    result = runner.invoke(app, ["query", "attacks-by", "JNIM", "-p", "from=yesterday"])
    assert result.exit_code == 1 and "expects date" in result.output
    result = runner.invoke(app, ["query", "allies", "-p", "actor"])
    assert result.exit_code == 1 and "NAME=VALUE" in result.output
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0 and "events-near" in result.output


def test_cli_query_prints_rows_as_data(monkeypatch):
    rows = [{"ally": "[bold]x[/bold]", "sources": ["a", "b"], "since": None}]
    monkeypatch.setattr(kg.store, "run_query", MagicMock(return_value=rows))
    runner = CliRunner()
    table = runner.invoke(app, ["query", "allies", "JNIM"])
    assert table.exit_code == 0 and "[bold]x[/bold]" in table.output and "a, b" in table.output
    as_json = runner.invoke(app, ["query", "allies", "JNIM", "--json"])
    assert json.loads(as_json.output) == rows
    kg.store.run_query.assert_called_with("allies", {}, args=["JNIM"], uri=None, database=None)


def test_mention_rows_keep_offsets_and_leave_out_empty_ones(small_records):
    from kg.models import Mention

    record = small_records[0].model_copy(deep=True)
    record.actors[0].mentions = [Mention(start=0, end=4, text="JNIM", sentence=0), Mention(start=78, end=82, text="JNIM")]
    rows = build_rows([record])
    by_id = {m["id"]: m for m in rows.actor_mentions}
    jnim, fama = by_id[record.actors[0].id], by_id[record.actors[1].id]
    assert (jnim["count"], jnim["starts"], jnim["ends"], jnim["surface"]) == (2, [0, 78], [4, 82], ["JNIM"])
    assert (fama["count"], fama["starts"], fama["ends"], fama["surface"]) == (0, None, None, None)


def test_rows_come_in_key_order_so_writers_lock_alike(small_records):
    """Two batches naming the same actors take their locks in one order: they queue, never deadlock."""
    rows = build_rows(list(reversed(small_records)))
    for name, key in [("documents", "doc_id"), ("actors", "id"), ("places", "id"), ("events", "key")]:
        keys = [r[key] for r in getattr(rows, name)]
        assert keys == sorted(keys) and len(keys) > 1, name
    mentions = [(m["doc_id"], m["id"]) for m in rows.actor_mentions]
    assert mentions == sorted(mentions)
    for statements in rows.statements.values():
        assert [r["key"] for r in statements] == sorted(r["key"] for r in statements)


def test_load_records_needs_a_writer(small_records):
    with pytest.raises(ValueError, match="writers"):
        kg.store.load_records(small_records, uri="bolt://127.0.0.1:1", password="x", writers=0)


def test_rows_parameter_is_a_list_whose_repr_is_its_length():
    """The driver formats parameters for its debug log even when it is off: keep that cheap."""
    from kg.store.loader import _Rows

    rows = _Rows([{"id": "a"}, {"id": "b"}])
    assert rows == [{"id": "a"}, {"id": "b"}] and isinstance(rows, list)
    assert repr(rows) == "<2 rows>"
