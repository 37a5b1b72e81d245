"""``kg build``, ``kg timeline`` and ``kg actor-map`` through the CLI runner."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
import types
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.build import OUTPUT_FILES
from kg.cli import app
from kg.errors import InputError
from kg.outputs import CSV_COLUMNS
from kg.records import read_records

from conftest import SHARED

runner = CliRunner()
HAVE_RDF = importlib.util.find_spec("kg.rdf") is not None


def _kg(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the fixture records, shared by the tests that only read it."""
    from conftest import FIXTURES

    out = tmp_path_factory.mktemp("build") / "out"
    result = _kg("build", "--records", FIXTURES / "records_small.jsonl", "-o", out, "--no-progress")
    return result, out


def test_build_from_records_writes_every_file(built):
    result, out = built
    assert result.exit_code == (0 if HAVE_RDF else 1), result.output
    expected = [f for f in OUTPUT_FILES if HAVE_RDF or f != "graph.ttl"]
    for name in expected:
        assert (out / name).stat().st_size > 0, name
    assert "7 reported -> 6 after merging" in result.output
    assert "documents: 3" in result.output
    assert not list(out.glob(".*tmp*"))  # no temporary files left behind


def test_build_outputs_parse_back(built):
    _, out = built
    g = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert sum(1 for _, d in g.nodes(data=True) if d["kind"] == "event") == 6
    nx.read_gexf(out / "graph.gexf")
    geo = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 6
    for f in geo["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -20 < lon < 10 and 5 < lat < 25  # Mali: lon first
    with (out / "events.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == CSV_COLUMNS
    assert len(read_records(out / "records.jsonl")) == 3
    if HAVE_RDF:
        assert "@prefix" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_bad_record_lines_are_reported_and_skipped(small_records_path, tmp_path):
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(small_records_path.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    result = _kg("build", "--records", mixed, "-o", tmp_path / "out", "--no-progress")
    assert "mixed.jsonl:4" in result.output
    assert "documents: 3 (1 skipped)" in result.output
    assert (tmp_path / "out" / "timeline.png").exists()


def test_nothing_processable_fails_cleanly(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = _kg("build", "--records", bad, "-o", tmp_path / "out", "--no-progress")
    assert result.exit_code == 1
    assert "error: nothing could be processed" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "records.jsonl").exists()


def test_output_folder_that_is_a_file(small_records_path, tmp_path):
    (tmp_path / "out").write_text("a file")
    result = _kg("build", "--records", small_records_path, "-o", tmp_path / "out", "--no-progress")
    assert result.exit_code == 1 and "cannot create the output folder" in result.output


def test_build_needs_an_input(tmp_path):
    result = _kg("build", "-o", tmp_path / "out")
    assert result.exit_code != 0
    assert "--records" in result.output


def test_build_extracts_through_kg_extract(small_records, monkeypatch, tmp_path):
    """The extract -> records -> merge chain, with a stand-in extractor."""
    seen = {}

    def extract_paths(paths, *, model=None, progress=False, errors=None):
        seen["paths"] = [Path(p) for p in paths]
        errors.append(InputError(tmp_path / "corpus" / "broken.html", "not UTF-8 text"))
        yield from small_records

    monkeypatch.setitem(sys.modules, "kg.extract", types.SimpleNamespace(extract_paths=extract_paths))
    (tmp_path / "corpus").mkdir()
    result = _kg("build", tmp_path / "corpus", "-o", tmp_path / "out", "--no-progress")
    assert seen["paths"] == [tmp_path / "corpus"]
    assert "broken.html: not UTF-8 text" in result.output
    assert "documents: 3 (1 skipped)" in result.output
    assert [r.doc_id for r in read_records(tmp_path / "out" / "records.jsonl")] == [r.doc_id for r in small_records]


def test_a_failing_output_does_not_stop_the_others(small_records_path, monkeypatch, tmp_path):
    from kg.errors import ExportError

    def export_records(records, destination, fmt="ttl", **kw):
        raise ExportError("shapes violated")

    monkeypatch.setitem(sys.modules, "kg.rdf", types.SimpleNamespace(export_records=export_records))
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("old good file\n")
    result = _kg("build", "--records", small_records_path, "-o", out, "--no-progress")
    assert result.exit_code == 1
    assert "graph.ttl not written: shapes violated" in result.output
    assert (out / "graph.ttl").read_text() == "old good file\n"
    assert (out / "actor-map.png").exists()


def test_timeline_and_actor_map_commands(built, tmp_path):
    _, out = built
    result = _kg("timeline", "-r", out, "--actor", "JNIM", "--from", "2024", "--to", "2024-12", "-o", tmp_path / "t.svg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.svg").read_bytes().lstrip().startswith(b"<?xml")
    result = _kg("timeline", "-r", out / "records.jsonl", "--place", "Kati", "-o", tmp_path / "t.png")
    assert result.exit_code == 0, result.output
    result = _kg("actor-map", "-r", out, "--at", "2024-03", "-o", tmp_path / "a.png")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["timeline", "--actor", "nobody at all"], "no actor matches"),
        (["timeline", "--from", "last spring"], "not a date"),
        (["actor-map", "--at", "2024-13"], "not a date"),
    ],
)
def test_picture_commands_report_bad_filters(built, tmp_path, args, message):
    _, out = built
    result = _kg(*args, "-r", out, "-o", tmp_path / "x.png")
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_picture_commands_check_the_suffix(built, tmp_path):
    _, out = built
    result = _kg("timeline", "-r", out, "-o", tmp_path / "x.jpg")
    assert result.exit_code == 1 and ".png, .svg or .pdf" in result.output


def test_missing_records_file_is_one_error_line(tmp_path):
    result = _kg("timeline", "-r", tmp_path / "nope.jsonl", "-o", tmp_path / "x.png")
    assert result.exit_code == 1 and "error:" in result.output and "Traceback" not in result.output


def _no_extractor() -> bool:
    import kg

    pipelines = Path(kg.__file__).parent / "pipelines"
    shipped = pipelines.is_dir() and any(p.is_dir() for p in pipelines.iterdir())
    return importlib.util.find_spec("kg.extract") is None or not shipped


needs_extract = pytest.mark.skipif(_no_extractor(), reason="kg.extract or the shipped pipeline is not there yet")


@pytest.mark.slow
@needs_extract
@pytest.mark.parametrize("corpus", ["sample", "seeds"])
def test_build_real_corpus(corpus, tmp_path):
    import kg

    path = Path(kg.__file__).parent / "sample_corpus" if corpus == "sample" else SHARED / "corpus" / "seeds"
    if not path.exists():
        pytest.skip(f"{path} not available")
    out = tmp_path / "out"
    result = _kg("build", path, "-o", out, "--no-progress")
    assert result.exit_code == 0, result.output
    for name in OUTPUT_FILES:
        assert (out / name).stat().st_size > 0, name
    nx.read_graphml(out / "graph.graphml")
    json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    with (out / "events.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == CSV_COLUMNS


def test_actor_maps_per_year_script(small_records_path, tmp_path):
    """scripts/actor_maps_per_year.py runs on the API alone and draws one map per year."""
    import subprocess

    from conftest import ROOT

    script = ROOT / "scripts" / "actor_maps_per_year.py"
    assert "from kg.api import" in script.read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(small_records_path), "-o", str(tmp_path / "maps")],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == [
        "actor-map-2021.png", "actor-map-2023.png", "actor-map-2024.png",
    ]


def test_build_loads_neo4j_when_asked(small_records_path, monkeypatch, tmp_path):
    calls = {}

    def load_records(records, *, uri=None, progress=False, **kw):
        calls["uri"], calls["docs"] = uri, [r.doc_id for r in records]
        return types.SimpleNamespace(documents=len(calls["docs"]), nodes_created=42, seconds=0.5)

    monkeypatch.setitem(sys.modules, "kg.store", types.SimpleNamespace(load_records=load_records))
    result = _kg("build", "--records", small_records_path, "-o", tmp_path / "out", "--neo4j", "bolt://db:7687", "--no-progress")
    assert calls["uri"] == "bolt://db:7687" and len(calls["docs"]) == 3
    assert "neo4j: loaded 3 documents into bolt://db:7687 (42 new nodes" in result.output


def test_api_exports_are_complete():
    import kg.api

    for name in kg.api.__all__:
        assert hasattr(kg.api, name), name
    public = {n for n, v in vars(kg.api).items() if not n.startswith("_") and callable(v) and getattr(v, "__module__", "").startswith("kg.")}
    assert public <= set(kg.api.__all__)


def test_sample_corpus_is_shipped_with_the_package():
    """The README's first command reads kg/sample_corpus: short, dated briefs, one per file."""
    import re

    import kg

    briefs = sorted((Path(kg.__file__).parent / "sample_corpus").glob("*.txt"))
    assert 6 <= len(briefs) <= 10
    for brief in briefs:
        text = brief.read_text(encoding="utf-8")
        assert len(text.split()) < 250, brief.name
        assert re.search(r"\b(19|20)\d\d\b", text), f"{brief.name} gives no date"


def test_a_failed_neo4j_load_is_reported_after_the_files(small_records_path, monkeypatch, tmp_path):
    from kg.errors import StoreError

    def load_records(records, **kw):
        raise StoreError("cannot reach bolt://db:7687")

    monkeypatch.setitem(sys.modules, "kg.store", types.SimpleNamespace(load_records=load_records))
    out = tmp_path / "out"
    result = _kg("build", "--records", small_records_path, "-o", out, "--neo4j", "bolt://db:7687", "--no-progress")
    assert result.exit_code == 1
    assert "error: neo4j load failed: cannot reach bolt://db:7687" in result.output
    assert "documents: 3" in result.output and (out / "actor-map.png").exists()
