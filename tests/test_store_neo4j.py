"""kg.store against the real Neo4j server (``scripts/neo4j-server start``; CI runs these).

Each test empties the database it is pointed at, so the fixture refuses any
server that is not on loopback (set ``KG_NEO4J_TEST_ALLOW_WIPE=1`` to
override) and serialises test runs on the same server with a file lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import neo4j
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.keys import event_key
from kg.models import DocRecord
from kg.store import load_records, loader, run_query
from kg.store.cookbook import plain

from conftest import SHARED

pytestmark = pytest.mark.neo4j

HOSTILE = "Robert'); MATCH (n) DETACH DELETE n; // {y} `back`tick <http://x> \"q\""
HOSTILE_DOC = 'brief-c "quoted" {x}'
KATI_ATTACK = "attack-3229a367ce600d03"


@pytest.fixture(scope="module")
def server() -> dict[str, str]:
    uri, password = os.environ.get("NEO4J_URI"), os.environ.get("NEO4J_PASSWORD")
    if not uri or not password:
        pytest.skip("NEO4J_URI / NEO4J_PASSWORD not set: run scripts/test, or scripts/neo4j-server start and export them")
    host = urlparse(uri).hostname
    if host not in ("127.0.0.1", "localhost", "::1") and os.environ.get("KG_NEO4J_TEST_ALLOW_WIPE") != "1":
        pytest.skip(f"these tests empty the database; {uri} is not on loopback (KG_NEO4J_TEST_ALLOW_WIPE=1 to allow)")
    return {"uri": uri, "user": os.environ.get("NEO4J_USER", "neo4j"), "password": password}


@pytest.fixture
def graph(server):
    """A driver on an emptied database, held by this test alone."""
    lock_path = Path(tempfile.gettempdir()) / f"kg-neo4j-tests-{urlparse(server['uri']).port}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with neo4j.GraphDatabase.driver(server["uri"], auth=(server["user"], server["password"])) as driver:
            driver.execute_query("MATCH (n) DETACH DELETE n")
            yield driver


def snapshot(driver: neo4j.Driver) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, as sorted JSON lines."""
    nodes = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props").records
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
        "coalesce(a.id, a.key, a.doc_id) AS a, coalesce(b.id, b.key, b.doc_id) AS b"
    ).records
    return (
        sorted(json.dumps(plain(r.data()), sort_keys=True, ensure_ascii=False) for r in nodes),
        sorted(json.dumps(plain(r.data()), sort_keys=True, ensure_ascii=False) for r in rels),
    )


def load(records, server, **kwargs):
    return load_records(records, uri=server["uri"], user=server["user"], password=server["password"], **kwargs)


def query(name, server, *args, **params):
    return run_query(name, params, args=list(args), uri=server["uri"], user=server["user"], password=server["password"])


# --- idempotence and merging -------------------------------------------------------------


def test_loading_twice_leaves_the_graph_unchanged(graph, server, small_records):
    first = load(small_records, server)
    before = snapshot(graph)
    second = load(small_records, server, batch_size=2)
    assert snapshot(graph) == before
    assert (second.nodes_created, second.relationships_created) == (0, 0)
    assert first.nodes_created == len(before[0]) and first.relationships_created == len(before[1])
    assert (first.documents, first.events, first.relations) == (3, 7, 8)


def test_a_second_batch_merges_into_the_same_nodes_and_adds_sources(graph, server, small_records):
    a, b, c = small_records
    load([a], server)
    load([b, c], server)
    incremental = snapshot(graph)
    counts = graph.execute_query(
        "MATCH (a:Actor {id: 'jnim'}) WITH count(a) AS jnim "
        "MATCH (p:Place {id: 'place-kati'}) WITH jnim, count(p) AS kati "
        "MATCH (e:Event {key: $key})-[r:REPORTED_IN]->(d:Document) "
        "RETURN jnim, kati, e.sources AS sources, collect(d.doc_id) AS docs, e.modalities AS modalities",
        key=KATI_ATTACK,
    ).records[0]
    assert (counts["jnim"], counts["kati"]) == (1, 1)
    assert counts["sources"] == ["brief-a", "brief-b"] and sorted(counts["docs"]) == ["brief-a", "brief-b"]
    assert counts["modalities"] == ["asserted", "reported"]
    graph.execute_query("MATCH (n) DETACH DELETE n")
    load(small_records, server)
    assert snapshot(graph) == incremental  # day by day == all at once


def test_concurrent_writers_lose_no_source_alias_or_toll(graph, server, small_records):
    """Many batches in flight grow the same event, statements, actor and place: every addition survives."""
    base = small_records[0]
    copies = []
    for i in range(12):
        record = base.model_copy(deep=True)
        record.doc_id = f"{base.doc_id}-copy-{i:02d}"
        record.actors[0].aliases.append(f"alias {i:02d}")
        record.places[0].aliases.append(f"place alias {i:02d}")
        record.events[0].fatalities = i
        copies.append(record)
    stats = load(copies, server, batch_size=1, writers=4)
    assert stats.batches == 12
    event = event_key(base.events[0])
    row = graph.execute_query(
        "MATCH (e:Event {key: $key}) MATCH (a:Actor {id: $actor}) MATCH (p:Place {id: $place}) "
        "OPTIONAL MATCH (e)-[r:REPORTED_IN]->(:Document) "
        "RETURN e.sources AS sources, e.fatalities AS toll, a.aliases AS aliases, p.aliases AS place_aliases, "
        "count(r) AS reports, keys(e) + keys(a) + keys(p) AS props",
        key=event, actor=base.actors[0].id, place=base.places[0].id,
    ).records[0]
    assert sorted(row["sources"]) == sorted(r.doc_id for r in copies) and row["reports"] == 12
    assert row["toll"] == 11
    assert {f"alias {i:02d}" for i in range(12)} <= set(row["aliases"])
    assert {f"place alias {i:02d}" for i in range(12)} <= set(row["place_aliases"])
    assert not [k for k in row["props"] if k.startswith("_kg")]  # transient flags never persist
    agents = graph.execute_query(
        "MATCH (:Actor)-[r:AGENT_OF]->(:Event {key: $key}) RETURN count(r) AS n", key=event
    ).records[0]["n"]
    assert agents == len(set(base.events[0].agents))  # created once, merged after
    statements = graph.execute_query(
        "MATCH (st:Statement)-[:REPORTED_IN]->(d:Document) "
        "WITH st, count(d) AS reports MATCH (s:Actor)-[rel]->(o:Actor) WHERE rel.key = st.key "
        "RETURN st.key AS key, reports, size(st.sources) AS sources, count(rel) AS typed"
    ).records
    assert len(statements) == len(base.relations)
    assert all((r["reports"], r["sources"], r["typed"]) == (12, 12, 1) for r in statements), [r.data() for r in statements]


def test_changed_nodes_names_only_actors_and_places_missing_or_gaining_something(graph, server, small_records):
    """The loader writes only the nodes this read names; a node that already covers its row is left alone."""
    from kg.store import cypher
    from kg.store.rows import build_rows

    load(small_records, server)
    rows = build_rows(small_records)
    same, gaining = rows.actors[0], {**rows.actors[1], "aliases": [*rows.actors[1]["aliases"], "a new alias"]}
    missing = {**rows.actors[0], "id": "not-there-yet"}
    place = rows.places[0]
    place_gaining = {**rows.places[1], "qid": "Q1"} if rows.places[1].get("qid") is None else None
    with graph.session() as session:
        actors = [r["changed"] for r in session.run(cypher.changed_nodes("Actor"), rows=[same, gaining, missing])]
        places = [r["changed"] for r in session.run(cypher.changed_nodes("Place"), rows=[place, *filter(None, [place_gaining])])]
    assert actors == [gaining["id"], "not-there-yet"]
    assert places == ([place_gaining["id"]] if place_gaining else [])


def test_seed_records_load_twice_with_equal_counts(graph, server):
    gold = sorted((SHARED / "eval" / "dev").glob("*.gold.json"))
    if not gold:
        pytest.skip(f"no seed records: {SHARED / 'eval' / 'dev'} is absent (../shared beside the checkout)")
    records = [DocRecord.model_validate(json.loads(p.read_text(encoding="utf-8"))) for p in gold]
    count = "MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels"
    load(records, server)
    first = graph.execute_query(count).records[0].data()
    before = snapshot(graph)
    load(records, server, batch_size=50)
    assert graph.execute_query(count).records[0].data() == first
    assert snapshot(graph) == before
    docs = graph.execute_query("MATCH (d:Document) RETURN count(d) AS n").records[0]["n"]
    assert docs == len(records) and first["nodes"] > 100 and first["rels"] > 300


def test_schema_and_point_locations(graph, server, small_records):
    load(small_records, server)
    constraints = {r["name"] for r in graph.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert {"kg_actor_id", "kg_place_id", "kg_event_key", "kg_document_id", "kg_statement_key"} <= constraints
    indexes = {r["name"]: r["type"] for r in graph.execute_query("SHOW INDEXES YIELD name, type").records}
    assert indexes["kg_place_location"] == "POINT" and "kg_event_date" in indexes
    bamako = graph.execute_query("MATCH (p:Place {id: 'place-bamako'}) RETURN p.location AS loc").records[0]["loc"]
    assert (bamako.latitude, bamako.longitude) == (12.65, -8.0)


def test_write_plans_on_an_empty_database_only_seek_unique_indexes(graph, server, small_records):
    """The loader keeps its first plans (CYPHER replan=skip): they must be right on an empty graph."""
    from kg.store import cypher
    from kg.store.loader import batch_queries, ensure_schema
    from kg.store.connection import resolve_settings
    from kg.store.rows import build_rows

    ensure_schema(graph, resolve_settings(server["uri"], server["user"], server["password"]))

    def operators(plan):
        yield plan["operatorType"].split("@")[0]
        for child in plan.get("children", []):
            yield from operators(child)

    with graph.session() as session:
        for text, rows in batch_queries(build_rows(small_records)):
            assert text.startswith(cypher.PLAN_OPTIONS)
            plan = session.run(text.replace(cypher.PLAN_OPTIONS, f"{cypher.PLAN_OPTIONS} EXPLAIN", 1), rows=rows).consume().plan
            ops = set(operators(plan))
            assert not {op for op in ops if "Scan" in op}, (text, ops)
            assert {"NodeUniqueIndexSeek(Locking)", "NodeUniqueIndexSeek"} & ops, (text, ops)


# --- safety ------------------------------------------------------------------------------


def test_hostile_names_are_stored_as_data(graph, server, small_records):
    load(small_records, server)
    row = graph.execute_query(
        "MATCH (a:Actor {id: 'robert-drop-x-y-back'})-[:AGENT_OF]->(e:Event)-[:REPORTED_IN]->(d:Document) "
        "RETURN a.name AS name, a.aliases AS aliases, d.doc_id AS doc, e.type AS type"
    ).records
    assert [r.data() for r in row] == [{"name": HOSTILE, "aliases": [HOSTILE], "doc": HOSTILE_DOC, "type": "abduction"}]
    assert graph.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"] > 20  # nothing was deleted
    assert [r["type"] for r in query("timeline", server, HOSTILE)] == ["abduction"]
    sources = query("sources", server, subject=HOSTILE, predicate="split_from", object="JNIM")
    assert [(r["document"], r["evidence"]) for r in sources] == [(HOSTILE_DOC, "a faction that broke away from JNIM")]


@pytest.mark.parametrize("writers", [1, 2])
def test_failure_mid_load_keeps_committed_batches_and_a_rerun_completes(graph, server, small_records, monkeypatch, writers):
    load(small_records, server)
    clean = snapshot(graph)
    graph.execute_query("MATCH (n) DETACH DELETE n")

    real = loader._write

    def failing_second_batch(tx, rows):
        counters = real(tx, rows)
        if any(r["doc_id"] == "brief-b" for r in rows.documents):
            # a real server-side error after this batch has written its nodes and links
            tx.run("UNWIND $rows AS row RETURN 1 / row AS boom", rows=[0]).consume()
        return counters

    monkeypatch.setattr(loader, "_write", failing_second_batch)
    with pytest.raises(StoreError, match="batch 2"):
        load(small_records, server, batch_size=1, writers=writers)
    docs = sorted(r["d"] for r in graph.execute_query("MATCH (d:Document) RETURN d.doc_id AS d").records)
    # batch 1 committed, batch 2 rolled back whole; with one writer batch 3 never started,
    # with two it may have been in flight beside batch 2 (and then committed)
    first, _, third = (r.doc_id for r in small_records)
    assert docs == [first] if writers == 1 else docs in ([first], sorted([first, third]))
    assert not graph.execute_query("MATCH (p:Place {id: 'place-tessalit'}) RETURN p").records

    monkeypatch.setattr(loader, "_write", real)
    load(small_records, server, batch_size=1, writers=writers)
    assert snapshot(graph) == clean


def test_refused_credentials_and_unreachable_server_are_one_line_errors(server, small_records):
    # a user name of its own, so the failed attempt cannot lock out the real user
    with pytest.raises(StoreError) as refused:
        load_records(small_records, uri=server["uri"], user="kg-no-such-user", password="not-the-password")
    assert str(refused.value) == (
        f"Neo4j refused the credentials for user 'kg-no-such-user' at {server['uri']} (check NEO4J_USER / NEO4J_PASSWORD)"
    )
    with pytest.raises(StoreError, match=r"^cannot reach Neo4j at bolt://127\.0\.0\.1:1: ") as down:
        run_query("allies", {"actor": "JNIM"}, uri="bolt://127.0.0.1:1", password="x")
    assert "\n" not in str(down.value)


# --- the cookbook on the hand-made records -----------------------------------------------


@pytest.fixture
def loaded(graph, server, small_records):
    load(small_records, server)
    return server


def names(rows, column):
    return sorted(r[column] for r in rows)


def test_allies(loaded):
    assert names(query("allies", loaded, "JNIM"), "ally") == ["Azawad Liberation Front"]
    assert query("allies", loaded, "jnim", "2024-03-01") == []  # the FLA alliance is dated 2024-04
    assert names(query("allies", loaded, "jnim", at="2024-04-15"), "ally") == ["Azawad Liberation Front"]
    assert names(query("allies", loaded, "malian army"), "ally") == ["Wagner Group"]


def test_enemies(loaded):
    assert names(query("enemies", loaded, "JNIM"), "enemy") == ["Malian Armed Forces"]
    rows = query("enemies", loaded, "FAMa")
    assert names(rows, "enemy") == ["Azawad Liberation Front", "Jama'at Nusrat al-Islam wal-Muslimin"]
    jnim = next(r for r in rows if r["enemy_id"] == "jnim")
    assert jnim["sources"] == ["brief-a", "brief-b"] and jnim["fact"] == "jnim|hostile_to|mali-armed-forces"


def test_attacks_by_between_dates(loaded):
    rows = query("attacks-by", loaded, "JNIM", "2024-01-01", "2024-12-31")
    assert [(r["date"], r["place"], r["fatalities"], r["n_sources"], r["fact"]) for r in rows] == [
        ("2024-03-01", "Kati", 12, 2, KATI_ATTACK)
    ]
    assert rows[0]["targets"] == ["Malian Armed Forces"]
    assert query("attacks-by", loaded, "JNIM", "2023", "2023") == []
    assert [r["type"] for r in query("attacks-by", loaded, "JNIM", "2024", "2024", "siege_blockade")] == ["siege_blockade"]


def test_events_near_a_place(loaded):
    rows = query("events-near", loaded, "Bamako", "50")
    assert [(r["type"], r["place"], r["km"]) for r in rows] == [("siege_blockade", "Bamako", 0.0), ("attack", "Kati", 13.1)]
    assert [r["type"] for r in query("events-near", loaded, "bamako", km=5)] == ["siege_blockade"]
    assert [r["type"] for r in query("events-near", loaded, "تمبكتو", "10")] == ["abduction"]  # an alias


def test_timeline(loaded):
    rows = query("timeline", loaded, "Malian Armed Forces")
    assert [(r["date"], r["type"], r["role"]) for r in rows] == [
        ("2024-03-01", "attack", "target"),
        ("2024-04-01", "withdrawal", "agent"),
    ]
    assert [r["type"] for r in query("timeline", loaded, "JNIM")] == ["siege_blockade", "attack"]


def test_shortest_path(loaded):
    rows = query("shortest-path", loaded, "Wagner", "FLA")
    assert [(r["step"], r["from"], r["to"]) for r in rows] == [
        (1, "Wagner Group", "Malian Armed Forces"),
        (2, "Malian Armed Forces", "Azawad Liberation Front"),
    ]
    assert [r["relation"] for r in rows] == ["- ALLIED_WITH -", "- HOSTILE_TO -"]


def test_sources_behind_a_fact(loaded):
    rows = query("sources", loaded, KATI_ATTACK)
    assert [(r["document"], r["sentence"], r["start"], r["end"], r["modality"]) for r in rows] == [
        ("brief-a", 0, 0, 77, "asserted"),
        ("brief-b", 1, 48, 103, "reported"),
    ]
    assert rows[0]["evidence"].startswith("JNIM fighters attacked an army post at Kati")
    by_spo = query("sources", loaded, subject="FAMa", predicate="hostile_to", object="JNIM")
    assert [(r["document"], r["modality"]) for r in by_spo] == [("brief-a", "asserted"), ("brief-b", "reported")]
    assert query("sources", loaded, "jnim|hostile_to|mali-armed-forces") == by_spo
    assert query("sources", loaded, subject="JNIM", predicate="affiliated_with", object="FLA") == []


def test_event_key_in_test_data_matches_the_shared_key(small_records):
    kati = next(e for e in small_records[0].events if e.type.value == "attack")
    assert event_key(kati) == KATI_ATTACK


# --- the CLI end to end ------------------------------------------------------------------


def test_cli_load_and_query(graph, server, small_records_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", server["uri"])
    monkeypatch.setenv("NEO4J_USER", server["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", server["password"])
    runner = CliRunner()
    loaded = runner.invoke(app, ["load", str(small_records_path), "--no-progress", "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.output)["documents"] == 3
    again = runner.invoke(app, ["load", str(small_records_path), "--no-progress"])
    assert again.exit_code == 0 and "0 nodes and 0 relationships created" in again.output
    rows = runner.invoke(app, ["query", "enemies", "-p", "actor=FAMa", "--json"])
    assert rows.exit_code == 0 and [r["enemy_id"] for r in json.loads(rows.output)] == ["fla", "jnim"]
    table = runner.invoke(app, ["query", "timeline", HOSTILE], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "abduction" in table.output and "Timbuktu" in table.output
    refused = runner.invoke(app, ["query", "allies", "JNIM"], env={"NEO4J_USER": "kg-no-such-user"})
    assert refused.exit_code == 1 and refused.output.startswith("error: Neo4j refused the credentials for user 'kg-no-such-user'")


def test_the_benchmark_script_runs_on_a_small_set(graph, server, capsys):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_neo4j_load", ROOT / "scripts" / "bench_neo4j_load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    records = bench.synthetic_records(300)
    assert sum(len(r.events) for r in records) == 300 and records == bench.synthetic_records(300)  # deterministic
    args = ["--events", "300", "--batch-size", "500", "--warmup", "100", "--runs", "2", "--uri", server["uri"], "--json"]
    assert bench.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["events"] == 300 and result["graph_nodes"] > 300
