"""GraphML, GEXF, GeoJSON and CSV files parse back and say what the graph says."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

from kg.corpus import build_corpus_graph
from kg.outputs import CSV_COLUMNS, atomic_path, scalar_graph, write_csv, write_geojson, write_gexf, write_graphml


@pytest.fixture
def graph(small_records):
    return build_corpus_graph(small_records)


def _kati(g):
    (node,) = [n for n, d in g.nodes(data=True) if d.get("kind") == "event" and d.get("location") == "place-kati"]
    return node


def test_scalar_graph_holds_only_scalars(graph):
    g = scalar_graph(graph)
    for _, d in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in d.values())
    for *_e, d in g.edges(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in d.values())
    assert g.nodes["jnim"]["aliases"] == "JNIM; Jama'at Nusrat al-Islam wal-Muslimin"


def test_graphml_parses_back(graph, tmp_path):
    path = write_graphml(graph, tmp_path / "graph.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    kati = _kati(graph)
    assert back.nodes[kati]["source_count"] == 2
    assert back.nodes[kati]["doc_ids"] == "brief-a; brief-b"
    assert back.nodes["place-kati"]["lat"] == pytest.approx(12.744)
    assert "fatalities" not in back.nodes["place-kati"]  # None is left out, not written as "None"
    import xml.etree.ElementTree as ET

    ids = [e.get("id") for e in ET.parse(path).getroot().iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == len(set(ids)) == graph.number_of_edges()  # Gephi needs unique edge ids


def test_gexf_parses_back(graph, tmp_path):
    path = write_gexf(graph, tmp_path / "graph.gexf")
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["jnim"]["label"] == "Jama'at Nusrat al-Islam wal-Muslimin"
    assert back.nodes["jnim"]["type"] == "ArmedGroup"
    assert "viz" in back.nodes["jnim"]  # coloured in Gephi


def test_geojson_points_are_lon_lat(graph, tmp_path):
    written, unlocated = write_geojson(graph, tmp_path / "events.geojson")
    data = json.loads((tmp_path / "events.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert (written, unlocated) == (6, 0) and len(data["features"]) == 6
    (kati,) = [f for f in data["features"] if f["properties"]["place"] == "Kati"]
    assert kati["geometry"] == {"type": "Point", "coordinates": [-8.072, 12.744]}
    props = kati["properties"]
    assert props["type"] == "attack" and props["date"] == "2024-03-01"
    assert props["actors"] == ["Jama'at Nusrat al-Islam wal-Muslimin"]
    assert props["sources"] == ["brief-a", "brief-b"] and props["source_count"] == 2
    assert props["fatalities"] == 12 and props["modality"] == "asserted"


def test_geojson_leaves_out_unlocated_events(tmp_path):
    from kg.models import Actor, DocRecord, Event

    rec = DocRecord(
        doc_id="x",
        actors=[Actor(id="jnim", name="JNIM", type="ArmedGroup")],
        events=[Event(type="attack", agents=["jnim"], date="2024")],
    )
    assert write_geojson(build_corpus_graph([rec]), tmp_path / "e.geojson") == (0, 1)
    assert json.loads((tmp_path / "e.geojson").read_text())["features"] == []


def test_csv_header_and_rows(graph, tmp_path):
    assert write_csv(graph, tmp_path / "events.csv") == 6
    with (tmp_path / "events.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == CSV_COLUMNS == [
        "event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
        "latitude", "longitude", "fatalities", "source", "notes",
    ]
    (kati,) = [r for r in rows if r["location"] == "Kati"]
    assert kati["event_type"] == "Violence against civilians" and kati["sub_event_type"] == "Attack"
    assert kati["actor2"] == "Malian Armed Forces"
    assert kati["fatalities"] == "12"
    assert kati["source"] == "Brief A; Brief B"
    assert "killing 12 soldiers" in kati["notes"]
    (tessalit,) = [r for r in rows if r["location"] == "Tessalit"]
    assert tessalit["sub_event_type"] == "Non-state actor overtakes territory"
    hostile = [r for r in rows if r["actor1"].startswith("Robert'); MATCH")]
    assert len(hostile) == 1  # quotes and commas survive the round trip


def test_atomic_path_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("good\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
