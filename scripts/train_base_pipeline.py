#!/usr/bin/env python
"""Train, evaluate and ship the project's base spaCy pipeline ``en_conflict_kg_base``.

Why: spaCy's published English pipelines cannot be installed here, so the project
trains its own from open data, reproducibly, and ships it as package data
(``kg/pipelines/en_conflict_kg_base``). Steps, each skipped when its output exists
(so an interrupted run is simply re-run):

1. ``splits``   rebuild the UD English EWT train/dev/test CoNLL-U files by
                concatenating the per-document sources in ``file-lists`` order.
2. ``convert``  turn them into spaCy DocBins (parse/tag/morph/lemma, entities
                *unset*), join Universal NER spans onto EWT dev+test sentences and
                split those by document into NER train/dev/eval (entities *only*,
                so no EWT test parse ever enters training).
3. ``train``    ``spacy train scripts/base_pipeline.cfg`` (all components jointly;
                ``model-best``/``model-last`` are written during training).
                ``--resume`` restarts from ``model-last`` (weights, not optimiser
                state) when a run was interrupted; ``--resume --cooldown
                --max-steps N`` continues a finished run to step N with the
                learning rate decaying linearly to 0.
4. ``assemble`` ``model-best`` + an attribute ruler for the lemmas the rule
                lemmatizer lacks (auxiliaries, pronouns) + the project's meta
                (name, version, licence, sources) -> ``package/en_conflict_kg_base``.
5. ``evaluate`` score that pipeline on the EWT test split (raw text, and gold
                tokens/sentences) and the held-out NER part: ``eval/scores.json``.
6. ``ship``     copy it, scores in ``meta.json``, into ``kg/pipelines/en_conflict_kg_base``.

Usage::

    python scripts/train_base_pipeline.py                # all steps
    python scripts/train_base_pipeline.py --steps train --resume
    python scripts/train_base_pipeline.py --steps assemble,evaluate,ship
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Sentence",
    "build_splits",
    "read_conllu",
    "read_uner",
    "convert",
    "train",
    "evaluate",
    "format_table",
    "installed_versions",
    "check_versions",
    "assemble",
    "ship",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
EWT_DIR = SHARED_DATA / "ud-english-ewt"
UNER_DIR = SHARED_DATA / "uner-english-ewt"
CONFIG = ROOT / "scripts" / "base_pipeline.cfg"
WORK = ROOT / "training" / "base_pipeline"
SHIP_DIR = ROOT / "kg" / "pipelines" / "en_conflict_kg_base"

SEED = 0
SPLITS = ("train", "dev", "test")
#: Sentences per training Doc: enough context for the CNN, and the parser learns
#: sentence boundaries between them.
SENTS_PER_DOC = 10
#: Fractions of UNER documents (EWT dev+test) for NER train / dev; the rest is the
#: fixed held-out evaluation part.
NER_TRAIN_FRACTION = 0.7
NER_DEV_FRACTION = 0.1
#: Probability that mention replacement swaps a given NER-train mention.
MR_RATE = 0.5
#: Mention-replaced copies of NER-train in the training corpus (``mention_replaced``).
NER_MR_COPIES = 0
STEPS = ("splits", "convert", "train", "assemble", "evaluate", "ship")
#: The versions the shipped pipeline was trained with; other versions train fine
#: but need not reproduce the scores digit for digit.
PINNED = {
    "python": "3.11.7",
    "spacy": "3.8.18",
    "thinc": "8.3.14",
    "spacy-lookups-data": "1.0.5",
    "numpy": "2.4.6",
    "blis": "1.3.4",
}

PIPELINE_META = {
    "lang": "en",
    "name": "conflict_kg_base",
    "version": "0.2.0",
    "description": (
        "conflict-kg base English pipeline: tok2vec, tagger (PTB XPOS), morphologizer "
        "(UPOS+features), dependency parser (UD), NER (PER/ORG/LOC) and a rule-based "
        "lemmatizer (spacy-lookups-data). CNN without pretrained vectors, with Brown-cluster "
        "features (spacy-lookups-data), trained by "
        "scripts/train_base_pipeline.py."
    ),
    "author": "conflict-kg",
    "license": "CC BY-SA 4.0",
    "sources": [
        {
            "name": "Universal Dependencies English Web Treebank (UD_English-EWT)",
            "url": "https://github.com/UniversalDependencies/UD_English-EWT",
            "license": "CC BY-SA 4.0",
            "author": "Silveira et al. 2014; Universal Dependencies contributors",
        },
        {
            "name": "Universal NER: English EWT (UNER_English-EWT)",
            "url": "https://github.com/UniversalNER/UNER_English-EWT",
            "license": "CC BY-SA 4.0",
            "author": "Mayhew et al. 2024 (Universal NER)",
        },
        {
            "name": "spacy-lookups-data (English lemma rules, exceptions and lookups; Brown clusters)",
            "url": "https://github.com/explosion/spacy-lookups-data",
            "license": "MIT",
            "author": "Explosion",
        },
    ],
}


# --------------------------------------------------------------------------- data


@dataclass
class Sentence:
    """One CoNLL-U sentence as spaCy needs it (multiword tokens resolved to words).

    Attributes:
        sent_id (str): the treebank's sentence id (joins UNER onto EWT).
        doc_id (str): the source document the sentence belongs to.
        words (list[str]): syntactic words (MWT parts, no empty nodes).
        spaces (list[bool]): whether whitespace follows each word in the raw text.
        lemmas, tags, pos, morphs, deps (list[str]): per-word annotations.
        heads (list[int]): 0-based head index within the sentence (root: itself).
        ents (list[str]): IOB2 entity tags, empty when not joined with UNER.
        new_par (bool): the sentence opens a paragraph (``# newpar``).
    """

    sent_id: str
    doc_id: str
    words: list[str] = field(default_factory=list)
    spaces: list[bool] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    morphs: list[str] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    deps: list[str] = field(default_factory=list)
    new_par: bool = False
    ents: list[str] = field(default_factory=list)


def build_splits(out_dir: Path) -> dict[str, Path]:
    """Concatenate the per-document sources in ``file-lists`` order (the official splits)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for split in SPLITS:
        target = out_dir / f"en_ewt-ud-{split}.conllu"
        paths[split] = target
        if target.is_file():
            continue
        names = (EWT_DIR / "file-lists" / f"files.{split}").read_text(encoding="utf-8").split()
        tmp = target.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for name in names:
                text = (EWT_DIR / "sources" / name).read_text(encoding="utf-8")
                out.write(text if text.endswith("\n") else text + "\n")
        tmp.replace(target)
    return paths


def _space_after(misc: str) -> bool:
    return "SpaceAfter=No" not in misc.split("|")


def _parse_block(lines: list[str], doc_id: str) -> Sentence:
    """One sentence block: MWT ranges give the spacing, empty nodes are dropped."""
    sent = Sentence(sent_id="", doc_id=doc_id)
    mwt_end, mwt_space = -1, True
    heads_1based: list[int] = []
    for line in lines:
        if line.startswith("# sent_id"):
            sent.sent_id = line.split("=", 1)[1].strip()
            continue
        if line.startswith("# newpar"):
            sent.new_par = True
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        tok_id = cols[0]
        if "." in tok_id:
            continue
        if "-" in tok_id:
            mwt_end = int(tok_id.split("-")[1])
            mwt_space = _space_after(cols[9])
            continue
        idx = int(tok_id)
        sent.words.append(cols[1])
        if idx < mwt_end:
            sent.spaces.append(False)
        elif idx == mwt_end:
            sent.spaces.append(mwt_space)
        else:
            sent.spaces.append(_space_after(cols[9]))
        sent.lemmas.append(cols[2])
        sent.pos.append(cols[3])
        sent.tags.append(cols[4])
        sent.morphs.append("" if cols[5] == "_" else cols[5])
        heads_1based.append(int(cols[6]))
        sent.deps.append(cols[7])
    sent.heads = [i if h == 0 else h - 1 for i, h in enumerate(heads_1based)]
    return sent


def read_conllu(path: Path) -> list[Sentence]:
    """All sentences of a CoNLL-U file, each tagged with its ``newdoc id``."""
    sentences, block, doc_id = [], [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc id"):
            doc_id = line.split("=", 1)[1].strip()
        if line.strip():
            block.append(line)
        elif block:
            sentences.append(_parse_block(block, doc_id))
            block = []
    if block:
        sentences.append(_parse_block(block, doc_id))
    return sentences


def read_uner(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """UNER IOB2 file -> ``{sent_id: (words, iob2 tags)}``."""
    result: dict[str, tuple[list[str], list[str]]] = {}
    sent_id, words, tags = "", [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# sent_id"):
            sent_id = line.split("=", 1)[1].strip()
        elif line.startswith("#"):
            continue
        elif line.strip():
            cols = line.split("\t")
            words.append(cols[1])
            tags.append(cols[2])
        elif words:
            result[sent_id] = (words, tags)
            words, tags = [], []
    return result


def _group(sentences: list[Sentence], size: int | None = None) -> list[list[Sentence]]:
    """Consecutive sentences of one document: at most ``size`` per group, or (no size) a paragraph each."""
    groups: list[list[Sentence]] = []
    for sent in sentences:
        if groups and groups[-1][0].doc_id == sent.doc_id and (
            len(groups[-1]) < size if size is not None else not sent.new_par
        ):
            groups[-1].append(sent)
        else:
            groups.append([sent])
    return groups


def _paragraphs(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Sentences grouped by paragraph (``# newpar``, or a new document)."""
    return _group(sentences)


def _syntax_doc(vocab, group: list[Sentence]):
    """A Doc with tags, POS, morphs, lemmas, heads and sentence starts; entities unset."""
    from spacy.tokens import Doc

    words, spaces, heads, sent_starts = [], [], [], []
    for sent in group:
        offset = len(words)
        words += sent.words
        spaces += sent.spaces
        heads += [offset + h for h in sent.heads]
        sent_starts += [True] + [False] * (len(sent.words) - 1)
    return Doc(
        vocab,
        words=words,
        spaces=spaces,
        tags=[t for s in group for t in s.tags],
        pos=[p for s in group for p in s.pos],
        morphs=[m for s in group for m in s.morphs],
        lemmas=[lemma for s in group for lemma in s.lemmas],
        heads=heads,
        deps=[d for s in group for d in s.deps],
        sent_starts=sent_starts,
    )


def _ner_doc(vocab, group: list[Sentence]):
    """A Doc with entity annotation only: every token is B/I of an entity or O."""
    from spacy.tokens import Doc

    words = [w for s in group for w in s.words]
    spaces = [sp for s in group for sp in s.spaces]
    ents = [e for s in group for e in s.ents]
    return Doc(vocab, words=words, spaces=spaces, ents=ents)


def _join_uner(sentences: list[Sentence], uner: dict[str, tuple[list[str], list[str]]]) -> int:
    """Copy UNER tags onto the treebank's sentences; returns how many were joined.

    UNER was annotated on an older EWT release: the few sentences whose words
    differ from this release (6 of 4,078) are left out rather than guessed.
    """
    joined = 0
    for sent in sentences:
        if sent.sent_id not in uner:
            continue
        words, tags = uner[sent.sent_id]
        if words != sent.words:
            continue
        sent.ents = list(tags)
        joined += 1
    return joined


def _split_ner_docs(sentences: list[Sentence]) -> dict[str, list[Sentence]]:
    """Split UNER-annotated sentences by document (fixed seed) into train/dev/eval."""
    doc_ids = sorted({s.doc_id for s in sentences})
    random.Random(SEED).shuffle(doc_ids)
    n_train = round(len(doc_ids) * NER_TRAIN_FRACTION)
    n_dev = round(len(doc_ids) * NER_DEV_FRACTION)
    part = {d: "train" for d in doc_ids[:n_train]}
    part.update({d: "dev" for d in doc_ids[n_train : n_train + n_dev]})
    part.update({d: "eval" for d in doc_ids[n_train + n_dev :]})
    result: dict[str, list[Sentence]] = {"train": [], "dev": [], "eval": []}
    for sent in sentences:
        result[part[sent.doc_id]].append(sent)
    return result


def _mentions(tags: list[str]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of the IOB2 entity spans of one sentence (spaCy's own IOB reading)."""
    from spacy.training.iob_utils import iob_to_biluo, tags_to_entities

    return [(start, end + 1, label) for label, start, end in tags_to_entities(iob_to_biluo(tags))]


def mention_replaced(sentences: list[Sentence], copies: int, rate: float = MR_RATE, seed: int = SEED) -> list[Sentence]:
    """``copies`` variants of the NER sentences with mentions swapped for others of the same type.

    Why: NER-train has ~3,000 sentences, and what a CNN without pretrained
    vectors learns from so few is largely the names themselves. Replacing each
    mention, with probability ``rate``, by another mention of the same label
    drawn from the same sentences (Dai and Adel 2020, "An Analysis of Simple
    Data Augmentation for Named Entity Recognition", mention replacement) keeps
    every context and shows it with other names, so the model learns the
    contexts. The variants carry entities only, like the sentences they copy.
    Deterministic for a seed; nothing comes from outside the training part.
    """
    spans = [_mentions(sent.ents) for sent in sentences]
    pool: dict[str, list[tuple[list[str], list[bool]]]] = {}
    for sent, mentions in zip(sentences, spans):
        for start, end, label in mentions:
            pool.setdefault(label, []).append((sent.words[start:end], sent.spaces[start:end]))
    rng = random.Random(seed)
    variants: list[Sentence] = []
    for copy in range(copies):
        for sent, mentions in zip(sentences, spans):
            words, spaces, tags, cursor = [], [], [], 0
            for start, end, label in mentions:
                words += sent.words[cursor:start]
                spaces += sent.spaces[cursor:start]
                tags += sent.ents[cursor:start]
                if rng.random() < rate:
                    new_words, new_spaces = rng.choice(pool[label])
                    new_spaces = [*new_spaces[:-1], sent.spaces[end - 1]]
                else:
                    new_words, new_spaces = sent.words[start:end], sent.spaces[start:end]
                words += new_words
                spaces += new_spaces
                tags += [f"B-{label}"] + [f"I-{label}"] * (len(new_words) - 1)
                cursor = end
            words += sent.words[cursor:]
            spaces += sent.spaces[cursor:]
            tags += sent.ents[cursor:]
            variants.append(
                Sentence(sent_id=f"{sent.sent_id}-mr{copy}", doc_id=f"{sent.doc_id}-mr{copy}", words=words, spaces=spaces, ents=tags)
            )
    return variants


def _write_docbin(docs, path: Path) -> None:
    from spacy.tokens import DocBin

    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=False).to_disk(path)


def convert(conllu: dict[str, Path], corpus_dir: Path, ner_copies: int = 0) -> dict[str, int]:
    """Write the DocBins spaCy trains and evaluates on; returns sentence counts.

    Layout (``spacy train`` reads every ``.spacy`` file of a directory):
    ``train/{ewt,ner}.spacy``, ``dev/{ewt,ner}.spacy``, ``ewt-test.spacy`` (ten
    sentences of a document per Doc, their paragraph breaks flattened to
    spaces), ``ewt-test-paragraphs.spacy`` (one Doc per paragraph: raw text as
    CoNLL 2018's ``conllu_to_text`` gives it, paragraphs apart),
    ``ewt-test-sentences.spacy`` (one Doc per sentence, the layout of
    ``spacy convert``'s default), ``ner-eval.spacy``; with ``ner_copies``, ``train/ner-mr.spacy`` (that many
    mention-replaced copies of NER-train, see ``mention_replaced``). A corpus
    written with another number of copies is refused rather than mixed.
    """
    import spacy

    done = corpus_dir / "counts.json"
    vocab = spacy.blank("en").vocab
    paragraphs = corpus_dir / "ewt-test-paragraphs.spacy"
    if not paragraphs.is_file():
        # Added after the first release: written on its own so finished corpora stay as they are.
        _write_docbin([_syntax_doc(vocab, g) for g in _paragraphs(read_conllu(conllu["test"]))], paragraphs)
    sentences = corpus_dir / "ewt-test-sentences.spacy"
    if not sentences.is_file():
        # One Doc a sentence, as `spacy convert` writes a CoNLL-U file by default (-n 1). Added in 0.2.0.
        _write_docbin([_syntax_doc(vocab, g) for g in _group(read_conllu(conllu["test"]), 1)], sentences)
    counts = json.loads(done.read_text()) if done.is_file() else {}
    if counts and counts.get("ner-train-mr-copies", 0) != ner_copies:
        raise SystemExit(
            f"convert: {corpus_dir} holds {counts.get('ner-train-mr-copies', 0)} mention-replaced copies of "
            f"NER-train, not {ner_copies}: use another --work directory"
        )
    if counts:
        return counts
    ewt = {split: read_conllu(path) for split, path in conllu.items()}
    counts = {f"ewt-{split}": len(sents) for split, sents in ewt.items()}
    uner = {}
    for split in ("dev", "test"):
        uner.update(read_uner(UNER_DIR / f"en_ewt-ud-{split}.iob2"))
    ner_sents = [s for split in ("dev", "test") for s in ewt[split]]
    counts["uner-joined"] = _join_uner(ner_sents, uner)
    ner_parts = _split_ner_docs([s for s in ner_sents if s.ents])
    targets = {
        "train/ewt.spacy": [_syntax_doc(vocab, g) for g in _group(ewt["train"], SENTS_PER_DOC)],
        "dev/ewt.spacy": [_syntax_doc(vocab, g) for g in _group(ewt["dev"], SENTS_PER_DOC)],
        "ewt-test.spacy": [_syntax_doc(vocab, g) for g in _group(ewt["test"], SENTS_PER_DOC)],
        "train/ner.spacy": [_ner_doc(vocab, g) for g in _group(ner_parts["train"], SENTS_PER_DOC)],
        "dev/ner.spacy": [_ner_doc(vocab, g) for g in _group(ner_parts["dev"], SENTS_PER_DOC)],
        "ner-eval.spacy": [_ner_doc(vocab, g) for g in _group(ner_parts["eval"], SENTS_PER_DOC)],
    }
    if ner_copies:
        variants = mention_replaced(ner_parts["train"], ner_copies)
        targets["train/ner-mr.spacy"] = [_ner_doc(vocab, g) for g in _group(variants, SENTS_PER_DOC)]
        counts["ner-train-mr-sentences"] = len(variants)
    counts["ner-train-mr-copies"] = ner_copies
    for name, docs in targets.items():
        _write_docbin(docs, corpus_dir / name)
    for part, sents in ner_parts.items():
        counts[f"ner-{part}-sentences"] = len(sents)
        counts[f"ner-{part}-documents"] = len({s.doc_id for s in sents})
    done.write_text(json.dumps(counts, indent=2))
    return counts


# ----------------------------------------------------------------------- training


def installed_versions() -> dict[str, str]:
    """Versions of the packages that decide the trained weights."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in PINNED:
        if name == "python":
            continue
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def check_versions() -> dict[str, str]:
    """Warn when the environment differs from PINNED (scores may then differ slightly)."""
    found = installed_versions()
    for name, want in PINNED.items():
        if found[name] != want:
            print(f"warning: {name} {found[name]} installed, the pipeline was trained with {want}", file=sys.stderr)
    return found


def _thread_env(threads: int) -> dict[str, str]:
    """Pin BLAS/OpenMP threads so training uses the cores it was given, reproducibly."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        env[var] = str(threads)
    env["PYTHONHASHSEED"] = str(SEED)
    return env


def _train_overrides(corpus_dir: Path, args: argparse.Namespace) -> list[str]:
    overrides = [
        "--paths.train", str(corpus_dir / "train"),
        "--paths.dev", str(corpus_dir / "dev"),
        "--system.seed", str(SEED),
    ]
    if args.max_steps is not None:
        overrides += ["--training.max_steps", str(args.max_steps)]
    if args.max_epochs is not None:
        overrides += ["--training.max_epochs", str(args.max_epochs)]
    return overrides


def _logged_rows(log: Path) -> list[tuple]:
    """(epoch, step, score, (UAS, LAS, ENTS_F)) of every evaluation row ``spacy train`` logged."""
    rows, header = [], []
    if log.is_file():
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            cols = line.split()
            if cols[:2] == ["E", "#"]:
                header = [c for c in cols if c.isupper() and "_" in c]
            elif len(cols) > 2 and cols[0].isdigit() and cols[1].isdigit():
                named = dict(zip(header, cols[len(cols) - 1 - len(header) : -1]))
                key = tuple(float(named.get(k, "nan")) for k in ("DEP_UAS", "DEP_LAS", "ENTS_F"))
                rows.append((int(cols[0]), int(cols[1]), float(cols[-1]), key))
    return rows


def _checkpoint_row(rows: list[tuple], performance: dict) -> tuple:
    """The log row a checkpoint was saved at, found by its dev LAS/UAS/NER F.

    Why: the log prints scores rounded to two digits, so several rows can tie for
    the best score; the checkpoint's own ``performance`` picks the right one.
    """
    want = tuple(round(100 * (performance.get(key) or 0.0), 2) for key in ("dep_uas", "dep_las", "ents_f"))
    for row in reversed(rows):
        if len(row) > 3 and row[3] == want:
            return row
    return max(rows, key=lambda row: row[2])


def _last_logged_step(log: Path) -> int:
    """The last step ``spacy train`` reported in ``log`` (0 when none)."""
    rows = _logged_rows(log)
    return rows[-1][1] if rows else 0


def _resume_config(output: Path, cooldown_steps: int | None = None, base: Path = CONFIG) -> Path:
    """A config whose components are all *sourced* from ``model-last``.

    Why: spaCy's ``--components.x.source`` override is ignored while the block keeps
    its ``factory``, so the resume config replaces each block by ``source``.
    Sourced components keep their weights and labels and continue training
    (``resume_training``); the optimiser's moments and parameter averages start
    afresh. The previous ``model-best`` is kept as ``model-best-before-resume``.
    """
    from spacy.util import load_config

    last = output / "model-last"
    if not (last / "meta.json").is_file():
        raise SystemExit(f"--resume: no checkpoint at {last}")
    source = output.parent / "resume-from"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(last, source)
    if (output / "model-best").is_dir():
        keep = output / "model-best-before-resume"
        if keep.exists():
            shutil.rmtree(keep)
        shutil.copytree(output / "model-best", keep)
    config = load_config(base)
    for name in config["nlp"]["pipeline"]:
        config["components"][name] = {"source": str(source)}
    if cooldown_steps:
        # A continued run ends with the learning rate falling linearly to 0: the
        # constant rate of the first run keeps the weights moving around a
        # minimum; decaying it lets them settle (see docs/base-pipeline.md).
        rate = float(config["training"]["optimizer"]["learn_rate"])
        config["training"]["optimizer"]["learn_rate"] = {
            "@schedules": "warmup_linear.v1",
            "initial_rate": rate,
            "warmup_steps": 0,
            "total_steps": int(cooldown_steps),
        }
    path = output.parent / "resume.cfg"
    config.to_disk(path)
    return path


def train(corpus_dir: Path, output: Path, args: argparse.Namespace) -> float:
    """Run ``spacy train`` in a subprocess (thread-pinned); returns wall-clock seconds.

    spaCy's own output is echoed and appended to ``output/spacy-train.log``; with
    ``--resume`` the remaining steps are the config's ``max_steps`` (or
    ``--max-steps``) minus the last step logged there.
    """
    done = output / "DONE"
    if done.is_file() and not args.resume:
        print(f"train: {output} already finished (delete {done} to retrain)")
        return float(json.loads(done.read_text())["seconds"])
    log = output / "spacy-train.log"
    config = args.config
    if args.resume:
        from spacy.util import load_config

        total = args.max_steps or load_config(config)["training"]["max_steps"]
        args.max_steps = max(total - _last_logged_step(log), 1)
        config = _resume_config(output, args.max_steps if args.cooldown else None, config)
    cmd = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(output)]
    cmd += _train_overrides(corpus_dir, args)
    print("train:", " ".join(cmd), flush=True)
    output.mkdir(parents=True, exist_ok=True)
    start = time.time()
    with subprocess.Popen(cmd, env=_thread_env(args.threads), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc, log.open("a", encoding="utf-8") as out:
        for line in proc.stdout:
            print(line, end="", flush=True)
            out.write(line)
            out.flush()
    if proc.returncode:
        raise SystemExit(f"spacy train failed ({proc.returncode})")
    seconds = time.time() - start
    done.write_text(json.dumps({"seconds": round(seconds, 1), "resumed": args.resume}))
    return seconds


# --------------------------------------------------------------------- evaluation


def _spacy_evaluate(model: Path, data: Path, out: Path, threads: int, gold_preproc: bool) -> dict:
    cmd = [sys.executable, "-m", "spacy", "evaluate", str(model), str(data), "--output", str(out)]
    if gold_preproc:
        cmd.append("--gold-preproc")
    subprocess.run(cmd, check=True, env=_thread_env(threads), stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def evaluate(model: Path, corpus_dir: Path, out_dir: Path, threads: int = 1) -> dict:
    """Score ``model`` on EWT test (raw text and gold tokens) and on the held-out NER part."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = ("ewt-test.spacy", "ewt-test-paragraphs.spacy", "ewt-test-sentences.spacy", "ner-eval.spacy")
    missing = [name for name in names if not (corpus_dir / name).is_file()]
    if missing:
        raise SystemExit(f"evaluate: {corpus_dir} lacks {', '.join(missing)}: run --steps convert first (it adds them)")
    raw = _spacy_evaluate(model, corpus_dir / "ewt-test.spacy", out_dir / "ewt-test.json", threads, False)
    para = _spacy_evaluate(
        model, corpus_dir / "ewt-test-paragraphs.spacy", out_dir / "ewt-test-paragraphs.json", threads, False
    )
    sent = _spacy_evaluate(
        model, corpus_dir / "ewt-test-sentences.spacy", out_dir / "ewt-test-sentences.json", threads, False
    )
    gold = _spacy_evaluate(model, corpus_dir / "ewt-test.spacy", out_dir / "ewt-test-gold-tok.json", threads, True)
    ner = _spacy_evaluate(model, corpus_dir / "ner-eval.spacy", out_dir / "ner-eval.json", threads, False)
    scores = {
        "ewt_test": {k: raw.get(k) for k in ("token_acc", "pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")},
        "ewt_test_paragraphs": {
            k: para.get(k) for k in ("token_acc", "pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")
        },
        "ewt_test_sentences": {
            k: sent.get(k) for k in ("token_acc", "pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")
        },
        "ewt_test_gold_tokens": {k: gold.get(k) for k in ("pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las")},
        "ner_eval": {k: ner.get(k) for k in ("ents_p", "ents_r", "ents_f")},
        "ner_eval_per_type": ner.get("ents_per_type"),
    }
    (out_dir / "scores.json").write_text(json.dumps(scores, indent=2))
    print(format_table(scores))
    return scores


def format_table(scores: dict) -> str:
    """A Markdown table of the acceptance scores."""
    t, g, n = scores["ewt_test"], scores["ewt_test_gold_tokens"], scores["ner_eval"]
    p = scores.get("ewt_test_paragraphs") or {}
    o = scores.get("ewt_test_sentences") or {}
    rows = [
        ("UPOS (pos_acc)", "pos_acc", "0.93"),
        ("XPOS (tag_acc)", "tag_acc", ""),
        ("Morph features", "morph_acc", ""),
        ("Lemma", "lemma_acc", ""),
        ("UAS", "dep_uas", "0.86"),
        ("LAS", "dep_las", "0.83"),
        ("Sentence F", "sents_f", ""),
    ]
    fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
    lines = [
        "| score | raw text, paragraphs apart | raw text, 10 sentences a line | raw text, one sentence a Doc "
        "| gold tokens and sentences | target |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {fmt(p.get(k))} | {fmt(t.get(k))} | {fmt(o.get(k))} | {fmt(g.get(k))} | {tgt} |" for name, k, tgt in rows
    ]
    lines += [
        "",
        "| held-out UNER part | P | R | F | target |",
        "|---|---|---|---|---|",
        f"| NER | {fmt(n['ents_p'])} | {fmt(n['ents_r'])} | {fmt(n['ents_f'])} | 0.60 |",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------ package


#: Lemmas the rule lemmatizer cannot give: spacy-lookups-data has no AUX or PRON
#: tables, so it would return "were", "'s", "n't", "i". EWT's conventions.
LEMMA_EXCEPTIONS = [
    ({"POS": "AUX", "LOWER": {"IN": ["am", "is", "are", "was", "were", "be", "been", "being", "'s", "'re", "'m", "s", "re", "m"]}}, "be"),
    ({"POS": "AUX", "LOWER": {"IN": ["has", "have", "had", "having", "'ve", "ve"]}}, "have"),
    ({"POS": "AUX", "LOWER": {"IN": ["does", "did", "do", "doing"]}}, "do"),
    ({"POS": "AUX", "LOWER": {"IN": ["'ll", "ll", "wo"]}}, "will"),
    ({"POS": "AUX", "LOWER": "ca"}, "can"),
    ({"POS": "AUX", "LOWER": "sha"}, "shall"),
    ({"POS": "PART", "LOWER": {"IN": ["n't", "not", "nt"]}}, "not"),
    ({"POS": "PRON", "LOWER": {"IN": ["i", "me"]}}, "I"),
    ({"POS": "PRON", "LOWER": {"IN": ["he", "him"]}}, "he"),
    ({"POS": "PRON", "LOWER": {"IN": ["she", "her"]}}, "she"),
    ({"POS": "PRON", "LOWER": {"IN": ["we", "us"]}}, "we"),
    ({"POS": "PRON", "LOWER": {"IN": ["they", "them"]}}, "they"),
]
LICENSE_TEXT = (
    "The weights of this pipeline are derived from UD English EWT and Universal NER "
    "(both CC BY-SA 4.0) and are licensed under the Creative Commons "
    "Attribution-ShareAlike 4.0 International licence: "
    "https://creativecommons.org/licenses/by-sa/4.0/\n"
)


def _add_lemma_exceptions(nlp) -> None:
    """An attribute_ruler after the lemmatizer for auxiliaries, negation and pronouns."""
    ruler = nlp.add_pipe("attribute_ruler", name="lemma_exceptions", after="lemmatizer")
    for pattern, lemma in LEMMA_EXCEPTIONS:
        ruler.add(patterns=[[pattern]], attrs={"LEMMA": lemma})


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def assemble(model: Path, target: Path, train_seconds: float | None, log: Path | None = None) -> Path:
    """Build the pipeline to ship from a checkpoint: lemma exceptions, meta (name, licence, credits).

    The training log (when given) records which evaluation step ``model-best``
    comes from and how far training went, so the run can be reproduced.
    """
    import spacy

    nlp = spacy.load(model)
    _add_lemma_exceptions(nlp)
    rows = _logged_rows(log) if log else []
    if rows:
        best = _checkpoint_row(rows, nlp.meta.get("performance", {}))
        nlp.meta["conflict_kg_training_progress"] = {
            "best_epoch": best[0], "best_step": best[1], "best_dev_score": best[2],
            "last_epoch": rows[-1][0], "last_step": rows[-1][1],
        }
    nlp.meta.update(PIPELINE_META)
    if train_seconds is not None:
        nlp.meta["conflict_kg_training_seconds"] = round(train_seconds)
    nlp.meta["conflict_kg_training_versions"] = installed_versions()
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    (target / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    print(f"assemble: {target} ({_dir_size(target) / 1e6:.1f} MB)")
    return target


def ship(staged: Path, target: Path, scores: dict | None) -> Path:
    """Copy the evaluated pipeline into the package, its test scores added to ``meta.json``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(staged, target)
    if scores:
        meta_path = target / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["conflict_kg_scores"] = scores
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"ship: {target} ({_dir_size(target) / 1e6:.1f} MB)")
    return target


# --------------------------------------------------------------------------- main


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated subset of {STEPS}")
    parser.add_argument("--work", type=Path, default=WORK, help="corpora, checkpoints and logs")
    parser.add_argument(
        "--config", type=Path, default=CONFIG, help="spaCy training config. Defaults to the committed scripts/base_pipeline.cfg."
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads. Defaults to 1.")
    parser.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument("--max-epochs", type=int, default=None, help="override training.max_epochs")
    parser.add_argument("--resume", action="store_true", help="continue from model-last after an interruption")
    parser.add_argument(
        "--cooldown",
        action="store_true",
        help="with --resume: decay the learning rate linearly to 0 over the remaining steps",
    )
    parser.add_argument(
        "--ner-copies",
        type=int,
        default=NER_MR_COPIES,
        help=f"mention-replaced copies of NER-train to train on (convert). Defaults to {NER_MR_COPIES}.",
    )
    parser.add_argument("--model", type=Path, default=None, help="checkpoint to assemble. Defaults to output/model-best.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the requested steps in order."""
    args = _parse_args(argv)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps: {sorted(unknown)}")
    corpus_dir, output = args.work / "corpus", args.work / "output"
    model = args.model or output / "model-best"
    conllu = build_splits(args.work / "ud") if {"splits", "convert"} & set(steps) else {}
    if "convert" in steps:
        print(json.dumps(convert(conllu, corpus_dir, args.ner_copies), indent=2))
    seconds = None
    if "train" in steps:
        check_versions()
        seconds = train(corpus_dir, output, args)
        print(f"train: {seconds / 60:.1f} min wall clock")
    elif (output / "DONE").is_file():
        seconds = json.loads((output / "DONE").read_text())["seconds"]
    staged = args.work / "package" / SHIP_DIR.name
    if "assemble" in steps:
        log = output / "spacy-train.log"
        assemble(model, staged, seconds, log if log.is_file() else args.work / "train.log")
    scores = None
    if "evaluate" in steps:
        scores = evaluate(staged, corpus_dir, args.work / "eval", args.threads)
    elif (args.work / "eval" / "scores.json").is_file():
        scores = json.loads((args.work / "eval" / "scores.json").read_text())
    if "ship" in steps:
        ship(staged, SHIP_DIR, scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
