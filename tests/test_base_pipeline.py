"""The shipped base pipeline: found by name, credited, and parsing right once installed.

Why: ``pip install .`` from a fresh clone must give a working default pipeline
(package data under ``kg/pipelines/``), so the slow test installs the project
non-editable into a temporary directory and loads the pipeline from that copy
in a fresh interpreter, then checks parses of sentences written for this test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kg.base_pipeline import DEFAULT_PIPELINE, PIPELINES_DIR, describe_pipeline, resolve_pipeline
from kg.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = PIPELINES_DIR / DEFAULT_PIPELINE


def test_resolve_default_is_the_shipped_directory():
    assert resolve_pipeline() == SHIPPED
    assert resolve_pipeline(DEFAULT_PIPELINE) == SHIPPED


def test_resolve_passes_package_names_through():
    assert resolve_pipeline("en_core_web_sm") == "en_core_web_sm"


def test_resolve_rejects_a_directory_that_is_not_a_pipeline(tmp_path):
    with pytest.raises(PipelineError, match="not a spaCy pipeline directory"):
        resolve_pipeline(str(tmp_path))


def test_shipped_meta_names_licence_and_sources():
    meta = json.loads((SHIPPED / "meta.json").read_text(encoding="utf-8"))
    assert (meta["lang"], meta["name"], meta["version"]) == ("en", "conflict_kg_base", "0.2.0")
    assert meta["license"] == "CC BY-SA 4.0"
    names = " ".join(source["name"] for source in meta["sources"])
    assert "English Web Treebank" in names and "Universal NER" in names
    assert {"tok2vec", "tagger", "morphologizer", "lemmatizer", "parser", "ner"} <= set(meta["pipeline"])


def test_describe_reports_path_and_components():
    info = describe_pipeline()
    assert info["pipeline"] == DEFAULT_PIPELINE
    assert Path(info["pipeline_path"]) == SHIPPED
    assert "parser" in info["components"]
    assert info["license"] == "CC BY-SA 4.0"


def test_shipped_pipeline_fits_the_size_budget():
    size = sum(path.stat().st_size for path in SHIPPED.rglob("*") if path.is_file())
    assert size <= 25 * 1024 * 1024


# Runs in a fresh interpreter whose first sys.path entry is the installed copy.
_CHECK_INSTALLED = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import kg
    from kg.base_pipeline import load_base, describe_pipeline

    nlp = load_base()
    out = {"kg_file": kg.__file__, "pipeline_path": describe_pipeline()["pipeline_path"], "docs": []}
    for text in json.loads(sys.argv[1]):
        doc = nlp(text)
        out["docs"].append([
            {"text": t.text, "lemma": t.lemma_, "pos": t.pos_, "dep": t.dep_, "head": t.head.i, "ent": t.ent_type_}
            for t in doc
        ])
    print(json.dumps(out))
    """
)

SENTENCES = [
    "Rebels attacked the army base near Gao on Monday.",
    "The soldiers were killed by gunmen in the north of the country.",
    "President Emmanuel Macron visited the United Nations office in New York.",
]


@pytest.fixture(scope="module")
def installed_parses(tmp_path_factory):
    """Install the project (not editable, no deps) into a temp dir and parse SENTENCES there."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
         "--target", str(target), str(ROOT)],
        check=True,
        capture_output=True,
    )
    proc = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(target)!r}); exec({_CHECK_INSTALLED!r})",
         json.dumps(SENTENCES)],
        check=True,
        capture_output=True,
        text=True,
        cwd=target,
    )
    return target, json.loads(proc.stdout)


def _token(tokens: list[dict], text: str) -> dict:
    return next(t for t in tokens if t["text"] == text)


def _index(tokens: list[dict], text: str) -> int:
    return next(i for i, t in enumerate(tokens) if t["text"] == text)


@pytest.mark.slow
def test_installed_package_loads_its_own_copy(installed_parses):
    target, out = installed_parses
    assert Path(out["kg_file"]).resolve().is_relative_to(target.resolve())
    assert Path(out["pipeline_path"]).resolve().is_relative_to(target.resolve())


@pytest.mark.slow
def test_installed_pipeline_parses_subject_object_and_lemma(installed_parses):
    tokens = installed_parses[1]["docs"][0]
    attacked = _index(tokens, "attacked")
    assert _token(tokens, "Rebels")["dep"] == "nsubj" and _token(tokens, "Rebels")["head"] == attacked
    assert _token(tokens, "base")["dep"] == "obj" and _token(tokens, "base")["head"] == attacked
    assert tokens[attacked]["dep"] == "ROOT" and tokens[attacked]["pos"] == "VERB"
    assert tokens[attacked]["lemma"] == "attack"
    assert _token(tokens, "Gao")["pos"] == "PROPN"


@pytest.mark.slow
def test_installed_pipeline_parses_passive_and_lemmas(installed_parses):
    tokens = installed_parses[1]["docs"][1]
    killed = _index(tokens, "killed")
    assert _token(tokens, "soldiers")["dep"] == "nsubj:pass" and _token(tokens, "soldiers")["head"] == killed
    assert _token(tokens, "were")["dep"] == "aux:pass"
    assert tokens[killed]["lemma"] == "kill"
    assert _token(tokens, "soldiers")["lemma"] == "soldier"
    assert _token(tokens, "gunmen")["lemma"] == "gunman"


@pytest.mark.slow
def test_installed_pipeline_finds_names(installed_parses):
    tokens = installed_parses[1]["docs"][2]
    assert _token(tokens, "Emmanuel")["ent"] == _token(tokens, "Macron")["ent"] == "PER"
    assert _token(tokens, "New")["ent"] == _token(tokens, "York")["ent"] == "LOC"
    # Found as a name, but its type is not checked: the 0.1.0 weights label
    # "United Nations" LOC (ORG is the weakest type, F 0.47; docs/base-pipeline.md).
    assert _token(tokens, "United")["ent"] and _token(tokens, "Nations")["ent"]
