"""``kg.extract``: Docs to ``kg-docrecord/1`` records, and extraction over files with bad inputs among them.

The record tests run the domain components on hand-parsed Docs (fast). The
file tests need a real tokenizer, tagger and parser: they use the shipped
pipeline (``kg/pipelines/en_conflict_kg_base``), or the pipeline named by the
``KG_TEST_PIPELINE`` environment variable (e.g. a ``training/.../model-best``
directory), and are skipped when neither exists.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extractor_helpers import extract, make_inputs, pipeline_or_skip

from kg.errors import InputError
from kg.ingest import Article
from kg.models import DocRecord

# ----------------------------------------------------------------------------- doc_to_record (fast)


def record_of(spec: str, published: str | None = "2024-05-02") -> DocRecord:
    from kg.extract import doc_to_record

    doc = extract(spec, published=published)
    art = Article(doc_id="hand-made", text=doc.text, published=published, source="<test>")
    return doc_to_record(doc, art, pipeline="en_blank-test")


STORY = """
JNIM             PROPN  nsubj  attacked
attacked=attack  VERB   ROOT
the              DET    det    Malian_army
Malian_army      PROPN  obj    attacked
in               ADP    case   Boni
Boni             PROPN  obl    attacked
on               ADP    case   3_May_2024
3_May_2024       PROPN  obl    attacked
.

The              DET    det    group
group            NOUN   nsubj  split
later            ADV    advmod split
split=split      VERB   ROOT
from             ADP    case   AQIM
AQIM             PROPN  obl    split
.
"""


def test_record_validates_and_round_trips_as_json():
    rec = record_of(STORY)
    again = DocRecord.model_validate(json.loads(rec.to_json()))
    assert again == rec
    assert (rec.doc_id, rec.published, rec.pipeline) == ("hand-made", "2024-05-02", "en_blank-test")


def test_record_contents():
    rec = record_of(STORY)
    assert {a.id: a.type.value for a in rec.actors} == {
        "jnim": "ArmedGroup", "mali-armed-forces": "StateForce", "aqim": "ArmedGroup"}
    assert {p.id for p in rec.places} == {"place-boni"}
    [attack] = [e for e in rec.events if e.type.value == "attack"]
    assert (attack.agents, attack.targets, attack.location, attack.date) == (
        ["jnim"], ["mali-armed-forces"], "place-boni", "2024-05-03")
    assert attack.extractor == "conflict_events" and attack.evidence.startswith("JNIM attacked")
    assert {(r.subject, r.predicate.value, r.object) for r in rec.relations} >= {
        ("jnim", "split_from", "aqim"), ("jnim", "hostile_to", "mali-armed-forces")}
    assert all(r.extractor.startswith("conflict_relations:") for r in rec.relations)


def test_mentions_point_into_the_text_and_coreference_is_not_a_mention():
    rec = record_of(STORY)
    text = extract(STORY).text
    jnim = rec.actor("jnim")
    assert [m.text for m in jnim.mentions] == ["JNIM"]  # "The group" resolves facts, names nothing
    for item in [*rec.actors, *rec.places]:
        for m in item.mentions:
            assert text[m.start:m.end] == m.text


@pytest.mark.parametrize(
    ("spec", "is_actor"),
    [
        pytest.param("""
        Troops=troop     NOUN   nsubj  rested
        rested=rest      VERB   ROOT
        in               ADP    case   Mali
        Mali             PROPN  obl    rested
        .
        """, False, id="named-only-as-a-place"),
        pytest.param("""
        Mali             PROPN  nsubj  recalled
        recalled=recall  VERB   ROOT
        its              PRON   nmod:poss ambassador
        ambassador       NOUN   obj    recalled
        .
        """, True, id="subject"),
        pytest.param("""
        Mali             PROPN  nmod:poss envoy
        's               PART   case   Mali
        envoy            NOUN   nsubj  spoke
        spoke=speak      VERB   ROOT
        .
        """, True, id="possessor"),
        pytest.param("""
        Chad             PROPN  nsubj  met
        ,
        Niger            PROPN  conj   Chad
        and              CCONJ  cc     Mali
        Mali             PROPN  conj   Chad
        met=meet         VERB   ROOT
        .
        """, True, id="coordinated-subjects"),
    ],
)
def test_a_country_is_an_actor_only_where_it_acts(spec, is_actor):
    rec = record_of(spec)
    assert rec.place("place-mali") is not None
    assert (rec.actor("mali") is not None) is is_actor


# ----------------------------------------------------------------------------- pipeline assembly


def test_conflict_lines_starts_a_sentence_after_each_line_break():
    from extractor_helpers import blank_nlp

    from extractors.lines import mark_line_starts

    doc = mark_line_starts(blank_nlp().make_doc("Scope of attacks\nJNIM attacked Gao.\n\nTroops left"))
    starts = [t.text for t in doc if t.is_sent_start]
    assert starts == ["Scope", "JNIM", "Troops"]


@pytest.mark.slow
def test_build_pipeline_puts_the_components_in_order():
    from extractors import DOMAIN_COMPONENTS
    from kg.pipeline import build_pipeline

    model = pipeline_or_skip()
    names = build_pipeline(model).pipe_names
    base = build_pipeline(model, domain=False).pipe_names
    assert names[-len(DOMAIN_COMPONENTS):] == list(DOMAIN_COMPONENTS)
    assert names.index("sentencizer") < names.index("conflict_lines") < names.index("parser")
    assert not set(DOMAIN_COMPONENTS) & set(base)


@pytest.mark.slow
def test_tokenizer_splits_dashes_and_quotes_glued_to_words():
    from kg.pipeline import build_pipeline

    nlp = build_pipeline(pipeline_or_skip(), domain=False)
    words = [t.text for t in nlp.make_doc("Ansar Dine (AD)—a militant group—and the PMC”Wagner” left.")]
    assert words[:7] == ["Ansar", "Dine", "(", "AD", ")", "—", "a"]
    assert "PMC" in words and "Wagner" in words


# ----------------------------------------------------------------------------- files (slow, real parser)


@pytest.mark.slow
def test_extract_paths_skips_bad_inputs_with_errors_naming_file_and_line(tmp_path):
    from kg.extract import extract_paths

    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    errors: list = []
    records = list(extract_paths([tmp_path / "in"], model=model, errors=errors))

    assert sorted(r.doc_id for r in records) == ["good", "j1", "j3"]
    for rec in records:
        DocRecord.model_validate(json.loads(rec.to_json()))
    assert all(isinstance(e, InputError) for e in errors)
    where = sorted((Path(e.path).name, e.line) for e in errors)
    assert where == [("batch.jsonl", 2), ("binary.txt", None), ("empty.txt", None), ("latin1.txt", None)]
    messages = {Path(e.path).name: str(e) for e in errors}
    assert messages["batch.jsonl"].startswith(f"{files['jsonl']}:2: ")
    assert "empty" in messages["empty.txt"]
    assert "binary" in messages["binary.txt"]
    assert "UTF-8" in messages["latin1.txt"]


@pytest.mark.slow
def test_extract_paths_without_an_error_list_raises_on_the_first_bad_file(tmp_path):
    from kg.extract import extract_paths

    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    with pytest.raises(InputError) as info:
        list(extract_paths([files["empty"]], model=model))
    assert info.value.path == str(files["empty"])


@pytest.mark.slow
def test_extract_paths_finds_the_facts_of_a_plain_article(tmp_path):
    from kg.extract import extract_paths

    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    [rec] = list(extract_paths([files["good"]], model=model))
    assert rec.actor("jnim") is not None
    assert rec.place("place-gao") is not None
    assert any(e.type.value == "attack" and e.date == "2024-05-03" for e in rec.events)


@pytest.mark.slow
def test_bench_extract_script_reports_both_pipelines(tmp_path):
    import subprocess
    import sys

    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    script = Path(__file__).resolve().parents[1] / "scripts" / "bench_extract.py"
    cmd = [sys.executable, str(script), "--corpus", str(files["good"]), "--min-words", "50", "--runs", "1", "--json"]
    proc = subprocess.run(cmd + (["--model", model] if model else []), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [r["config"] for r in report["results"]] == [
        "base pipeline", "base + domain components", "base + domain + records"]
    assert all(r["words"] >= 50 and r["cpu_wps"] > 0 for r in report["results"])
    assert report["cpu_time_ratio"] > 0
