"""SPARQL cookbook on the export of tests/fixtures/records_small.jsonl: exact rows for the
answers tests/fixtures/README.md states, safe parameter binding, and the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ExportError
from kg.models import Actor, DocRecord, Relation
from kg.rdf import DEFAULT_BASE, QUERIES, export_records, load_export, run_query
from kg.rdf.iris import IriMinter
from kg.rdf.sparql import cookbook

ACTOR = DEFAULT_BASE + "actor/"
CKG = "https://w3id.org/conflict-kg/ontology#"
JNIM_NAME = "Jama'at Nusrat al-Islam wal-Muslimin"
runner = CliRunner()


@pytest.fixture(params=["nt", "trig"])
def export_path(request, small_records, tmp_path):
    path = tmp_path / f"small.{request.param}"
    export_records(small_records, path, request.param)
    return path


@pytest.fixture
def graph(export_path):
    return load_export(export_path)


def _kati(small_records):
    return IriMinter().event(next(e for e in small_records[0].events if e.type.value == "attack"))


def test_every_query_declares_its_parameters():
    for name in QUERIES:
        q = cookbook(name)
        assert q.summary and q.params, name
        for p in q.params:
            assert f"?{p.name}" in q.text, (name, p.name)


def test_allies_of_jnim(graph):
    assert run_query(graph, "allies", actor="jnim") == [
        {"other": ACTOR + "fla", "name": "Azawad Liberation Front", "since": "2024-04-01", "sources": 1}
    ]


def test_allies_at_a_date(graph):
    wagner_allies = [{"other": ACTOR + "mali-armed-forces", "name": "Malian Armed Forces", "since": "2021-12-01", "sources": 1}]
    assert run_query(graph, "allies", actor="wagner", at="2022-01-01") == wagner_allies
    assert run_query(graph, "allies", actor="wagner", at="2021-12") == wagner_allies  # a month counts from its first day
    assert run_query(graph, "allies", actor="wagner", at="2021-11-30") == []
    assert run_query(graph, "allies", actor="jnim", at="2024-03-31") == []  # FLA alliance dated 2024-04


def test_at_uses_the_earliest_dated_source(tmp_path):
    # As the Cypher query: an undated source does not let a relation first dated later through.
    actors = [Actor(id=x, name=x.upper(), type="ArmedGroup") for x in "abc"]
    records = [
        DocRecord(doc_id="d1", actors=actors, relations=[Relation(subject="a", predicate="allied_with", object="b")]),
        DocRecord(doc_id="d2", actors=actors, relations=[
            Relation(subject="b", predicate="allied_with", object="a", date="2024-04"),
            Relation(subject="a", predicate="allied_with", object="c", date="2021"),
            Relation(subject="a", predicate="allied_with", object="c", modality="denied", date="2019"),
        ]),
    ]
    path = tmp_path / "x.nt"
    export_records(records, path, "nt")
    g = load_export(path)
    b = {"other": ACTOR + "b", "name": "B", "since": "2024-04-01", "sources": 2}
    c = {"other": ACTOR + "c", "name": "C", "since": "2021-01-01", "sources": 1}
    assert run_query(g, "allies", actor="a") == [b, c]
    assert run_query(g, "allies", actor="a", at="2022") == [c]
    assert run_query(g, "allies", actor="a", at="2024-04-01") == [b, c]
    assert run_query(g, "allies", actor="a", at="2020") == []


def test_enemies(graph):
    assert run_query(graph, "enemies", actor="jnim") == [
        {"other": ACTOR + "mali-armed-forces", "name": "Malian Armed Forces", "since": None, "sources": 2}
    ]
    assert run_query(graph, "enemies", actor=ACTOR + "mali-armed-forces") == [
        {"other": ACTOR + "fla", "name": "Azawad Liberation Front", "since": None, "sources": 1},
        {"other": ACTOR + "jnim", "name": JNIM_NAME, "since": None, "sources": 2},
    ]


def test_attacks_by_jnim_in_2024(graph, small_records):
    rows = run_query(graph, "attacks-by", actor="jnim", **{"from": "2024-01-01", "to": "2024-12-31"})
    assert rows == [
        {
            "event": _kati(small_records),
            "date": "2024-03-01",
            "place": DEFAULT_BASE + "place/place-kati",
            "placeName": "Kati",
            "fatalities": 12,
            "sources": 2,
            "modalities": rows[0]["modalities"],
        }
    ]
    assert sorted(rows[0]["modalities"].split(",")) == ["asserted", "reported"]
    assert run_query(graph, "attacks-by", actor="jnim", **{"from": "2024", "to": "2024"}) == rows
    assert run_query(graph, "attacks-by", actor="jnim", **{"from": "2024-03-02"}) == []
    assert run_query(graph, "attacks-by", actor="jnim") == rows


def test_attacks_by_another_type_overlapping_the_period(graph):
    # The siege is dated 2024-03: a period overlapping March finds it (as the Cypher query).
    rows = run_query(graph, "attacks-by", actor="jnim", type="siege_blockade", **{"from": "2024-03-31", "to": "2024-05"})
    assert [(r["date"], r["placeName"]) for r in rows] == [("2024-03", "Bamako")]


def test_timeline_of_fama(graph):
    rows = run_query(graph, "timeline", actor="mali-armed-forces")
    assert [(r["type"].removeprefix(CKG), r["date"], r["role"], r["placeName"], r["sources"]) for r in rows] == [
        ("attack", "2024-03-01", "target", "Kati", 2),
        ("withdrawal", "2024-04-01", "agent", "Kidal", 1),
    ]


def test_timeline_of_jnim_in_date_order(graph):
    rows = run_query(graph, "timeline", actor="jnim")
    assert [(r["type"].removeprefix(CKG), r["date"]) for r in rows] == [("attack", "2024-03-01"), ("siege_blockade", "2024-03")]


def test_sources_of_an_event(graph, small_records):
    kati = _kati(small_records)
    rows = run_query(graph, "sources", event=kati)
    assert [(r["fact"], r["document"], r["published"], r["modality"], r["start"], r["end"], r["extractor"]) for r in rows] == [
        (kati, "brief-a", "2024-03-10", "asserted", 0, 77, "fixture"),
        (kati, "brief-b", "2024-04-02", "reported", 48, 103, "fixture"),
    ]
    assert rows[0]["evidence"].startswith("JNIM fighters attacked an army post at Kati")
    assert run_query(graph, "sources", event=kati.rsplit("/", 1)[1]) == rows  # the event key works too


def test_sources_of_a_symmetric_relation_in_either_order(graph):
    forward = run_query(graph, "sources", subject="jnim", predicate="hostile_to", object="mali-armed-forces")
    backward = run_query(graph, "sources", subject="mali-armed-forces", predicate=CKG + "hostile_to", object="jnim")
    assert forward == backward
    assert [(r["document"], r["modality"]) for r in forward] == [("brief-a", "asserted"), ("brief-b", "reported")]
    # Not symmetric: direction matters.
    assert run_query(graph, "sources", subject="al-qaeda", predicate="affiliated_with", object="jnim") == []
    assert len(run_query(graph, "sources", subject="jnim", predicate="affiliated_with", object="al-qaeda")) == 1


def test_sources_needs_a_fact(graph):
    assert run_query(graph, "sources") == []


def test_hostile_values_are_bound_not_pasted(graph):
    hostile = "robert-drop-x-y-back"
    assert [r["document"] for r in run_query(graph, "sources", subject=hostile, predicate="split_from", object="jnim")] == [
        'brief-c "quoted" {x}'
    ]
    for value in ['x> } UNION { ?s ?p ?o } #', "jnim\" . ?a ?b ?c", "}"]:
        assert run_query(graph, "enemies", actor=value) == []


def test_bad_parameters_are_export_errors(graph):
    with pytest.raises(ExportError, match="needs parameter 'actor'"):
        run_query(graph, "allies")
    with pytest.raises(ExportError, match="no parameter"):
        run_query(graph, "allies", actor="jnim", since="2024")
    with pytest.raises(ExportError, match="needs a date"):
        run_query(graph, "allies", actor="jnim", at="last year")
    with pytest.raises(ExportError, match="neither an IRI"):
        run_query(graph, "attacks-by", actor="jnim", type="massacre")
    with pytest.raises(ExportError, match="no cookbook query"):
        run_query(graph, "shortest-path")


def test_cli_export_validate_and_sparql(small_records_path, tmp_path):
    out = tmp_path / "kg.trig"
    result = runner.invoke(app, ["export", str(small_records_path), "-o", str(out), "--validate"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    result = runner.invoke(app, ["sparql", "enemies", str(out), "-p", "actor=jnim", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.stdout)] == ["Malian Armed Forces"]
    result = runner.invoke(app, ["sparql", "allies", str(out), "-p", "actor"])
    assert result.exit_code == 1 and "error: --param 'actor' is not NAME=VALUE" in result.output


def test_cli_export_to_stdout_and_errors(small_records_path, tmp_path):
    result = runner.invoke(app, ["export", str(small_records_path), "--format", "nt"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"<{ACTOR}jnim> ")
    result = runner.invoke(app, ["export", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.nt")])
    assert result.exit_code == 1 and "cannot open" in result.output
    result = runner.invoke(app, ["export", str(small_records_path), "-o", str(tmp_path / "x.nt"), "--base", "nope"])
    assert result.exit_code == 1 and "not an absolute IRI" in result.output
