"""scripts/train_base_pipeline.py: paragraphs kept for the raw-text evaluation, the cool-down config, NER mention replacement."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_base_pipeline", ROOT / "scripts" / "train_base_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


CONLLU = """# newdoc id = doc-a
# sent_id = doc-a-1
# newpar id = doc-a-p1
# text = Rebels took Kidal.
1\tRebels\trebel\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_
2\ttook\ttake\tVERB\tVBD\t_\t0\troot\t_\t_
3\tKidal\tKidal\tPROPN\tNNP\t_\t2\tobj\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# sent_id = doc-a-2
# text = They left.
1\tThey\tthey\tPRON\tPRP\t_\t2\tnsubj\t_\t_
2\tleft\tleave\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# sent_id = doc-a-3
# newpar id = doc-a-p2
# text = Talks began.
1\tTalks\ttalk\tNOUN\tNNS\t_\t2\tnsubj\t_\t_
2\tbegan\tbegin\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# newdoc id = doc-b
# sent_id = doc-b-1
# text = Calm returned.
1\tCalm\tcalm\tNOUN\tNN\t_\t2\tnsubj\t_\t_
2\treturned\treturn\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

"""


def test_paragraphs_follow_newpar_and_documents(script, tmp_path):
    path = tmp_path / "tiny.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    sentences = script.read_conllu(path)
    assert [s.new_par for s in sentences] == [True, False, True, False]  # "# newpar" comes after "# sent_id"
    groups = script._paragraphs(sentences)
    assert [[s.sent_id for s in g] for g in groups] == [["doc-a-1", "doc-a-2"], ["doc-a-3"], ["doc-b-1"]]
    import spacy

    doc = script._syntax_doc(spacy.blank("en").vocab, groups[0])
    assert doc.text == "Rebels took Kidal. They left. " and [s.text for s in doc.sents] == ["Rebels took Kidal.", "They left."]


def test_cooldown_config_decays_the_learning_rate_over_the_remaining_steps(script, tmp_path):
    output = tmp_path / "output"
    (output / "model-last").mkdir(parents=True)
    (output / "model-last" / "meta.json").write_text("{}", encoding="utf-8")
    from spacy.util import load_config

    plain = load_config(script._resume_config(output))
    assert plain["training"]["optimizer"]["learn_rate"] == 0.001
    cooled = load_config(script._resume_config(output, cooldown_steps=3200))
    schedule = cooled["training"]["optimizer"]["learn_rate"]
    assert schedule == {"@schedules": "warmup_linear.v1", "initial_rate": 0.001, "warmup_steps": 0, "total_steps": 3200}
    assert all(block == {"source": str(output.parent / "resume-from")} for block in cooled["components"].values())


def test_table_has_the_paragraph_column_when_scored(script):
    raw = {k: 0.5 for k in ("pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")}
    scores = {
        "ewt_test": raw,
        "ewt_test_paragraphs": {**raw, "dep_uas": 0.8561},
        "ewt_test_sentences": {**raw, "dep_uas": 0.8647},
        "ewt_test_gold_tokens": raw,
        "ner_eval": {"ents_p": 0.6, "ents_r": 0.5, "ents_f": 0.55},
    }
    table = script.format_table(scores)
    assert "| UAS | 0.8561 | 0.5000 | 0.8647 | 0.5000 | 0.86 |" in table
    assert "| NER | 0.6000 | 0.5000 | 0.5500 | 0.60 |" in table


def _ner_sentence(script, sent_id, words, tags, spaces=None):
    return script.Sentence(
        sent_id=sent_id, doc_id=sent_id.split("-")[0], words=words, spaces=spaces or [True] * len(words), ents=tags
    )


def test_mentions_reads_iob2_spans(script):
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG", "O"]
    assert script._mentions(tags) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]


def test_mention_replacement_swaps_names_of_one_label_and_keeps_the_context(script):
    sentences = [
        _ner_sentence(script, "a-1", ["Iyad", "Ag", "Ghaly", "leads", "JNIM", "."], ["B-PER", "I-PER", "I-PER", "O", "B-ORG", "O"]),
        _ner_sentence(script, "b-1", ["Goita", "met", "the", "FLA", "in", "Kidal"], ["B-PER", "O", "O", "B-ORG", "O", "B-LOC"]),
    ]
    variants = script.mention_replaced(sentences, copies=3, rate=1.0, seed=7)
    assert len(variants) == 6 and {v.sent_id for v in variants} == {f"{s}-mr{c}" for s in ("a-1", "b-1") for c in range(3)}
    pool = {label: {tuple(s.words[a:b]) for s in sentences for a, b, lab in script._mentions(s.ents) if lab == label}
            for label in ("PER", "ORG", "LOC")}
    for variant in variants:
        assert len(variant.words) == len(variant.spaces) == len(variant.ents)
        context = [w for w, t in zip(variant.words, variant.ents) if t == "O"]
        original = next(s for s in sentences if variant.sent_id.startswith(s.sent_id))
        assert context == [w for w, t in zip(original.words, original.ents) if t == "O"]
        for start, end, label in script._mentions(variant.ents):
            assert tuple(variant.words[start:end]) in pool[label]
    assert any(v.words != s.words for v in variants for s in sentences if v.sent_id.startswith(s.sent_id))
    assert script.mention_replaced(sentences, copies=3, rate=1.0, seed=7) == variants  # deterministic
    assert [v.words for v in script.mention_replaced(sentences, copies=1, rate=0.0)] == [s.words for s in sentences]


def test_mention_replacement_keeps_the_space_after_the_replaced_mention(script):
    sentences = [
        _ner_sentence(script, "a-1", ["In", "Kidal", ",", "calm"], ["O", "B-LOC", "O", "O"], [True, False, True, False]),
        _ner_sentence(script, "b-1", ["New", "York", "is", "far"], ["B-LOC", "I-LOC", "O", "O"], [True, True, True, False]),
    ]
    for variant in script.mention_replaced(sentences, copies=5, rate=1.0):
        if variant.sent_id.startswith("a-1") and variant.words[1:3] == ["New", "York"]:
            assert variant.spaces[1:3] == [True, False]  # inside the name as in the pool, after it as in the sentence
            break
    else:
        pytest.fail("no variant of a-1 received 'New York'")
