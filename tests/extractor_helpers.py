"""Hand-parsed Docs for testing the conflict-kg components without a trained model.

Why: the components read tokens, lemmas, parts of speech and the dependency
tree; a statistical parser would make every test depend on its mistakes. As in
spaCy's own tests, the tests here build each ``Doc`` by hand on
``spacy.blank("en")`` with explicit annotations, then run the domain
components over it in pipeline order.

A sentence is written one *unit* per line::

    JNIM               PROPN  nsubj   attacked
    attacked=attack    VERB   ROOT
    a                  DET    det     base
    base               NOUN   obj     attacked
    near               ADP    case    Gao
    Gao                PROPN  obl     attacked
    .

Columns: ``text[=lemma]  POS  dep  head  [ent=LABEL] [tag=TAG]``.

* ``text``: one unit; ``_`` stands for a space (``Amadou_Diallo``). The unit is
  split by the blank English tokenizer, so ``al-Qaeda-affiliated`` becomes the
  five tokens a real pipeline sees; the last token is the unit's head and the
  others hang from it (``compound``, or ``punct`` for punctuation).
* ``lemma``: defaults to the lowercased text.
* ``head``: the text of another unit of the same sentence (``word#2`` for its
  second occurrence) or ``@N`` for the N-th unit (0-based). Omitted for the
  root, whose dep must be ``ROOT``.
* A line holding only punctuation (``.``, ``,``, ``"``) is ``PUNCT``/``punct``
  under the sentence root.
* ``ent=PER|ORG|LOC|GPE|FAC``: the unit is a named entity (for the NER path of
  ``conflict_entities``).
* ``tag=NNS``: the fine-grained tag of the unit's head token (empty otherwise).
* Lines starting with ``#`` are comments.

A blank line starts a new sentence. Spaces between units follow English
typography (none before ``. , ) : ; 's``, none after ``(``).
"""

from __future__ import annotations

import json
import os
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import extractors  # noqa: F401  (registers the factories)
from extractors import DOMAIN_COMPONENTS
from extractors.common import ACTOR, PLACE, mentions

__all__ = ["blank_nlp", "pipeline_or_skip", "make_inputs", "GOOD_TEXT", "parse", "run", "extract", "actor_ids", "place_ids", "spans_of", "rel_triples", "Unit"]

_NO_SPACE_BEFORE = {".", ",", ")", ":", ";", "'s", "\u2019s", "?", "!", "%", "n't"}
_NO_SPACE_AFTER = {"(", "$"}
_PUNCT_ONLY = set(string.punctuation) | {"\u201c", "\u201d", "\u2019", "--", "\u2014"}


@lru_cache(maxsize=1)
def blank_nlp() -> Language:
    """``spacy.blank("en")`` with the five domain components (built once per test session).

    NER names are used when a test sets ``doc.ents``; unknown NER places are not
    geocoded, so results depend on the gazetteer alone.
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("conflict_entities", config={"use_ner": True, "geocode_unknown": False})
    for name in DOMAIN_COMPONENTS[1:]:
        nlp.add_pipe(name)
    return nlp


@dataclass
class Unit:
    text: str
    lemma: str | None
    pos: str
    dep: str
    head: str | None
    ent: str | None = None
    tag: str | None = None
    tokens: list[str] = field(default_factory=list)


def _units(spec: str) -> list[list[Unit]]:
    sents: list[list[Unit]] = [[]]
    for raw in spec.strip("\n").splitlines():
        line = raw.strip()
        if not line:
            if sents[-1]:
                sents.append([])
            continue
        cols = line.split()
        if line.startswith("#"):
            continue
        opts = dict(c.split("=", 1) for c in cols[1:] if c.startswith(("ent=", "tag=")))
        cols = [cols[0], *(c for c in cols[1:] if not c.startswith(("ent=", "tag=")))]
        word, _, lemma = cols[0].partition("=")
        text = word.replace("_", " ")
        if len(cols) == 1:
            if not all(ch in _PUNCT_ONLY for ch in text):
                raise ValueError(f"spec line {raw!r}: only punctuation may omit POS, dep and head")
            sents[-1].append(Unit(text, None, "PUNCT", "punct", None))
            continue
        if len(cols) not in (3, 4):
            raise ValueError(f"spec line {raw!r}: expected 'text[=lemma] POS dep [head] [ent=LABEL]'")
        pos, dep = cols[1], cols[2]
        head = cols[3] if len(cols) == 4 else None
        if (head is None) != (dep == "ROOT"):
            raise ValueError(f"spec line {raw!r}: the root (dep ROOT) and only the root has no head")
        sents[-1].append(Unit(text, lemma or None, pos, dep, head, opts.get("ent"), opts.get("tag")))
    return [s for s in sents if s]


def _head_index(sent: list[Unit], ref: str, line: Unit) -> int:
    if ref.startswith("@"):
        return int(ref[1:])
    word, _, nth = ref.partition("#")
    hits = [k for k, u in enumerate(sent) if u.text.replace(" ", "_") == word]
    n = int(nth) if nth else 1
    if len(hits) < n:
        raise ValueError(f"unit {line.text!r}: no head {ref!r} in its sentence")
    return hits[n - 1]


def parse(spec: str, nlp: Language | None = None) -> Doc:
    """Build a fully annotated ``Doc`` from a spec (see module docstring)."""
    nlp = nlp or blank_nlp()
    words: list[str] = []
    spaces: list[bool] = []
    heads: list[int] = []
    deps: list[str] = []
    pos: list[str] = []
    lemmas: list[str] = []
    tags: list[str] = []
    ents: list[str] = []
    for sent in _units(spec):
        roots = [u for u in sent if u.dep == "ROOT"]
        if len(roots) != 1:
            raise ValueError(f"sentence {' '.join(u.text for u in sent)!r}: needs exactly one ROOT, has {len(roots)}")
        root_k = sent.index(roots[0])
        first: list[int] = []  # token index of each unit's first token
        last: list[int] = []  # token index of each unit's head (last) token
        for u in sent:
            toks = [t.text for t in nlp.make_doc(u.text)]
            ws = [bool(t.whitespace_) for t in nlp.make_doc(u.text)]
            u.tokens = toks
            first.append(len(words))
            for j, tok in enumerate(toks):
                words.append(tok)
                spaces.append(ws[j])
                punct = all(ch in _PUNCT_ONLY for ch in tok)
                pos.append("PUNCT" if punct and u.pos != "PUNCT" and len(toks) > 1 else u.pos)
                lemmas.append(u.lemma if (u.lemma and j == len(toks) - 1) else tok.lower())
                tags.append(u.tag if (u.tag and j == len(toks) - 1) else "")
                if u.ent:
                    ents.append(("B-" if j == 0 else "I-") + u.ent)
                else:
                    ents.append("O")
                heads.append(-1)
                deps.append("")
            last.append(len(words) - 1)
        for k, u in enumerate(sent):
            head_tok = last[k] if u.head is None else last[_head_index(sent, u.head, u)]
            if u.dep == "punct" and u.head is None:
                head_tok = last[root_k]
            for t in range(first[k], last[k]):
                heads[t] = last[k]
                deps[t] = "punct" if pos[t] == "PUNCT" else "compound"
            heads[last[k]] = head_tok
            deps[last[k]] = u.dep
        # spaces between units
        for k in range(len(sent)):
            end = last[k]
            nxt = sent[k + 1].tokens[0] if k + 1 < len(sent) else None
            spaces[end] = not (
                (nxt is not None and nxt in _NO_SPACE_BEFORE) or sent[k].tokens[-1] in _NO_SPACE_AFTER
            )
    if words:
        spaces[-1] = False
    return Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, tags=tags, lemmas=lemmas, ents=ents)


def run(doc: Doc, *, published: str | None = None, upto: str | None = None, nlp: Language | None = None) -> Doc:
    """Run the domain components over a hand-made Doc, in pipeline order (stopping after ``upto``)."""
    nlp = nlp or blank_nlp()
    doc._.kg_published = published
    for name, proc in nlp.pipeline:
        doc = proc(doc)
        if name == upto:
            break
    return doc


def extract(spec: str, *, published: str | None = None, upto: str | None = None) -> Doc:
    """``parse`` then ``run``."""
    return run(parse(spec), published=published, upto=upto)


def spans_of(doc: Doc, label: str | None = None) -> list[tuple[str, str, str]]:
    """(text, label, entity id) of every mention, in text order."""
    return [(s.text, s.label_, s.kb_id_) for s in mentions(doc) if label is None or s.label_ == label]


def actor_ids(doc: Doc) -> set[str]:
    return {s.kb_id_ for s in mentions(doc) if s.label_ == ACTOR}


def place_ids(doc: Doc) -> set[str]:
    return {s.kb_id_ for s in mentions(doc) if s.label_ == PLACE}


def rel_triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in doc._.kg_relations or []}


def pipeline_or_skip() -> str | None:
    """The base pipeline for tests that need a real parser, or skip them.

    ``KG_TEST_PIPELINE`` (a pipeline directory or package) wins; else the shipped
    ``en_conflict_kg_base`` (returned as None, the default); else the test is skipped.
    """
    import kg
    import pytest

    name = os.environ.get("KG_TEST_PIPELINE")
    if name:
        return name
    if (Path(kg.__file__).parent / "pipelines" / "en_conflict_kg_base" / "meta.json").is_file():
        return None
    pytest.skip("no parser: kg/pipelines/en_conflict_kg_base is not shipped yet "
                "(set KG_TEST_PIPELINE to a pipeline directory or package to run this)")


GOOD_TEXT = (
    "JNIM fighters attacked an army post near Gao on 3 May 2024, the army said.\n"
    "The Malian army said four soldiers were killed.\n"
)


def make_inputs(folder: Path) -> dict[str, Path]:
    """A folder with one good article, four bad files and a JSONL with one broken line among good ones."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "good": folder / "good.txt",
        "empty": folder / "empty.txt",
        "binary": folder / "binary.txt",
        "latin1": folder / "latin1.txt",
        "jsonl": folder / "batch.jsonl",
    }
    files["good"].write_text(GOOD_TEXT, encoding="utf-8")
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    files["latin1"].write_bytes("Des combats ont eu lieu \u00e0 S\u00e9gou.".encode("latin-1"))
    lines = [
        json.dumps({"id": "j1", "text": "ISGS fighters raided a village near Menaka.", "published": "2024-05-02"}),
        '{"id": "j2", "text": "broken',
        json.dumps({"id": "j3", "text": "France withdrew its troops from Mali in 2022."}),
    ]
    files["jsonl"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return files
