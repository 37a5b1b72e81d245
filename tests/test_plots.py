"""The timeline and the actor map write valid PNG and SVG files, with what they claim."""

from __future__ import annotations

import pytest

from kg.corpus import build_corpus_graph
from kg.plots import actor_map_graph, draw_actor_map, draw_timeline

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def graph(small_records):
    return build_corpus_graph(small_records)


def _check(path):
    data = path.read_bytes()
    assert len(data) > 1000
    if path.suffix == ".png":
        assert data.startswith(PNG_MAGIC)
    else:
        assert b"<svg" in data[:2000]


def _texts(fig):
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_timeline_writes_picture(graph, tmp_path, suffix):
    fig = draw_timeline(graph, tmp_path / f"timeline{suffix}")
    _check(tmp_path / f"timeline{suffix}")
    texts = " ".join(_texts(fig))
    assert "6 dated events" in texts
    assert "attack (1)" in texts  # the legend counts each type


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_actor_map_writes_picture(graph, tmp_path, suffix):
    fig = draw_actor_map(graph, tmp_path / f"actor-map{suffix}")
    _check(tmp_path / f"actor-map{suffix}")
    texts = _texts(fig)
    assert "Actor map" in texts
    assert {"actor type", "relation", "JNIM", "allied with", "hostile to"} <= set(texts)


def test_timeline_says_how_many_undated_events_are_left_out(tmp_path):
    from kg.models import Actor, DocRecord, Event

    rec = DocRecord(
        doc_id="x",
        actors=[Actor(id="jnim", name="JNIM", type="ArmedGroup")],
        events=[Event(type="attack", agents=["jnim"], date="2024-05-02"), Event(type="abduction", agents=["jnim"])],
    )
    fig = draw_timeline(build_corpus_graph([rec]), tmp_path / "t.png")
    assert any("1 undated event not shown" in t for t in _texts(fig))


def test_timeline_with_nothing_to_show_still_draws(graph, tmp_path):
    fig = draw_timeline(graph, tmp_path / "t.png", date_from="1990", date_to="1991")
    _check(tmp_path / "t.png")
    assert "no dated events match" in _texts(fig)


def test_timeline_filters(graph, tmp_path):
    fig = draw_timeline(graph, tmp_path / "t.png", actor="JNIM", date_from="2024")
    assert any(t.startswith("2 dated events") for t in _texts(fig))


def test_actor_map_selection(graph):
    everything, left_out = actor_map_graph(graph)
    assert left_out == 0
    assert set(everything) == {"jnim", "mali-armed-forces", "wagner", "mali", "al-qaeda", "fla", "robert-drop-x-y-back"}
    assert everything.has_edge("jnim", "al-qaeda", key="affiliated_with")
    assert everything.nodes["jnim"]["events"] == 2

    early, _ = actor_map_graph(graph, at="2022")
    assert "wagner" in early and "fla" not in early  # FLA acts only in 2024
    assert not early.has_edge("fla", "jnim")

    top, left_out = actor_map_graph(graph, max_actors=2)
    assert len(top) == 2 and left_out == 5


def test_actor_map_layout_is_deterministic(graph, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    draw_actor_map(graph, tmp_path / "a" / "map.svg")
    draw_actor_map(graph, tmp_path / "b" / "map.svg")

    assert (tmp_path / "a" / "map.svg").read_bytes() == (tmp_path / "b" / "map.svg").read_bytes()


@pytest.mark.slow
def test_pictures_are_the_same_in_every_process(small_records_path, tmp_path):
    """No hash-order dependence: two interpreters with different hash seeds draw the same bytes."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kg.api import build_corpus_graph, draw_actor_map, draw_timeline, load_records\n"
        "g = build_corpus_graph(load_records(sys.argv[1]))\n"
        "draw_actor_map(g, sys.argv[2] + '/map.svg')\n"
        "draw_timeline(g, sys.argv[2] + '/timeline.svg')\n"
    )
    from kg.models import Actor, DocRecord, Relation
    from kg.records import read_records, write_records

    # Small components next to a big one: layouts of subgraph views once
    # followed set order.
    extra = DocRecord(
        doc_id="extra",
        actors=[Actor(id=f"x{i}", name=f"Group {i}", type="ArmedGroup") for i in range(8)],
        relations=[Relation(subject="x0", predicate="allied_with", object="x1"),
                   Relation(subject="x1", predicate="hostile_to", object="x2"),
                   Relation(subject="x3", predicate="supports", object="x4")],
    )
    records = tmp_path / "records.jsonl"
    write_records(records, [*read_records(small_records_path), extra])
    small_records_path = records
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(small_records_path), str(out)], check=True, env=env, cwd=tmp_path)
        outs.append(out)
    for name in ("map.svg", "timeline.svg"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
