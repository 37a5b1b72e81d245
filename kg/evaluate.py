"""Score predicted document records against gold records, exactly as FORMAT.md defines.

Why: one scorer, shared by ``kg eval``, the tests and anyone tuning an
extractor, so a number reported anywhere in the project means the same thing.
The rules (``../shared/eval/FORMAT.md``, "How records are matched") and every
choice the text leaves open are written down in ``docs/evaluation.md``; in
short:

    * Names match after ``kg.names.normalize_name``; a name that normalises to
      nothing (say "--") matches nothing.
    * Actors (and, separately, places) are paired one-to-one: a predicted item
      and a gold item can pair when their normalised name/alias sets
      intersect; the pairing is a maximum bipartite matching, so the count of
      true positives never depends on list order.
    * Event arguments and relation ends "map" by name: a predicted id maps to
      a gold id when the names/aliases of the actor or place behind each
      intersect, whatever kind (actor or place) each side gave it and
      independent of the one-to-one actor/place pairing.
    * An event argument agrees role by role: a predicted agent maps to one of
      the gold agents, or a predicted target to one of the gold targets, or
      the predicted location to the gold location.
    * Events and relations are then paired one-to-one, again by maximum
      matching. Among equally large matchings the scorer prefers pairs whose
      actor/place type (or event date) also agrees, so type and date accuracy
      judge the best pairing, deterministically.
    * Totals are micro-averaged over the gold documents (a gold document with
      no prediction counts every gold item as a false negative); macro
      averages are the mean of the per-document values that are defined.
      Predicted documents without gold are listed, not counted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field

from kg.errors import InputError, KgError, RecordError
from kg.models import SYMMETRIC_PREDICATES, Actor, DocRecord, Event, Place, Relation
from kg.names import normalize_name

__all__ = [
    "KINDS",
    "Counts",
    "Accuracy",
    "DocScore",
    "Macro",
    "EvalReport",
    "load_gold",
    "score_record",
    "score",
    "dates_compatible",
]

KINDS = ("actors", "places", "events", "relations")
"""The four item kinds scored with precision, recall and F1."""

EVAL_SCHEMA = "kg-eval/1"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Counts(_Model):
    """True positives, false positives and false negatives of one item kind.

    Attributes:
        tp (int): predicted items paired with a gold item. Defaults to 0.
        fp (int): predicted items left unpaired. Defaults to 0.
        fn (int): gold items left unpaired. Defaults to 0.
        precision, recall, f1 (float | None): computed; None when undefined
            (no predictions for precision, no gold for recall, neither for F1).
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class Accuracy(_Model):
    """Share of matched pairs that also agree on one attribute (actor type, event date).

    Attributes:
        correct (int): matched pairs that agree. Defaults to 0.
        total (int): matched pairs. Defaults to 0.
        value (float | None): computed correct/total; None when nothing matched.
    """

    correct: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float | None:
        return _ratio(self.correct, self.total)

    def __add__(self, other: "Accuracy") -> "Accuracy":
        return Accuracy(correct=self.correct + other.correct, total=self.total + other.total)


class DocScore(_Model):
    """The score of one gold document.

    Attributes:
        doc_id (str): the document.
        predicted (bool): False when the predictions held no record for it
            (every gold item is then a false negative).
        actors, places, events, relations (Counts): counts per item kind.
        actor_types (Accuracy): type accuracy over matched actors.
        event_dates (Accuracy): date accuracy (exactly equal, null = null)
            over matched events.
        details (dict | None): with ``details=True``, the unmatched gold
            (``missed``) and predicted (``spurious``) items of each kind, and
            matched pairs that disagree on actor type or event date
            (``wrong_type``, ``wrong_date``), each as a short description.
            Defaults to None.
    """

    doc_id: str
    predicted: bool = True
    actors: Counts = Field(default_factory=Counts)
    places: Counts = Field(default_factory=Counts)
    events: Counts = Field(default_factory=Counts)
    relations: Counts = Field(default_factory=Counts)
    actor_types: Accuracy = Field(default_factory=Accuracy)
    event_dates: Accuracy = Field(default_factory=Accuracy)
    details: dict[str, dict[str, list[str]]] | None = None


class Macro(_Model):
    """Macro averages: the mean over gold documents of each defined per-document value.

    Attributes:
        actors, places, events, relations (dict[str, float | None]):
            ``precision``, ``recall``, ``f1`` means (None when no document
            defines the value).
        actor_types, event_dates (float | None): mean accuracies.
    """

    actors: dict[str, float | None]
    places: dict[str, float | None]
    events: dict[str, float | None]
    relations: dict[str, float | None]
    actor_types: float | None = None
    event_dates: float | None = None


class EvalReport(_Model):
    """Per-document scores and their totals.

    Attributes:
        schema (str): ``kg-eval/1``.
        documents (list[DocScore]): one per gold document, sorted by doc_id.
        total (DocScore): micro totals (tp/fp/fn summed over ``documents``),
            with ``doc_id`` "TOTAL".
        macro (Macro): macro averages over ``documents``.
        missing (list[str]): gold doc_ids with no predicted record.
        unscored (list[str]): predicted doc_ids without gold: reported, not
            counted in any total.
        problems (list[str]): bad or duplicate prediction lines that were
            skipped, as "file:line: problem".
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(default=EVAL_SCHEMA, alias="schema")
    documents: list[DocScore]
    total: DocScore
    macro: Macro
    missing: list[str] = Field(default_factory=list)
    unscored: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict, FORMAT-style field names."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# --------------------------------------------------------------------------- gold


def load_gold(gold_dir: str | os.PathLike, *, errors: list[KgError] | None = None) -> dict[str, DocRecord]:
    """Gold records by doc_id.

    Args:
        gold_dir: a folder of ``*.json`` gold files (``*.gold.json`` included;
            not recursive, hidden files skipped), one ``.json`` record, or a
            ``.jsonl`` file of records.
        errors: when a list, a bad gold file is appended here and skipped;
            when None (the default) it raises, since scoring against part of
            the gold silently would mislead.

    Raises:
        InputError: the folder does not exist or holds no gold file; a file is
            not UTF-8 JSON; two files hold the same doc_id.
        RecordError: a file is not a valid ``kg-docrecord/1`` record.
    """

    def report(err: KgError) -> None:
        if errors is None:
            raise err
        errors.append(err)

    root = Path(gold_dir)
    gold: dict[str, DocRecord] = {}
    where: dict[str, str] = {}

    def add(record: DocRecord, origin: str, path: Path, line: int | None = None) -> None:
        if record.doc_id in gold:
            report(InputError(path, f"duplicate gold doc_id {record.doc_id!r} (also in {where[record.doc_id]})",
                              line=line))
            return
        gold[record.doc_id] = record
        where[record.doc_id] = origin

    if root.is_file() and root.suffix.lower() == ".jsonl":
        from kg.records import iter_records

        bad: list[RecordError] = []
        for record in iter_records(root, errors=bad):
            add(record, str(root), root)
        for err in bad:
            report(err)
        return gold
    if root.is_file():
        files = [root]
    elif root.is_dir():
        files = sorted(p for p in root.glob("*.json") if p.is_file() and not p.name.startswith("."))
        if not files:
            raise InputError(root, "no gold files (*.json) in this folder")
    else:
        raise InputError(root, "no such gold folder or file")
    for path in files:
        try:
            record = _read_gold_file(path)
        except KgError as err:
            report(err)
            continue
        add(record, str(path), path)
    return gold


def _read_gold_file(path: Path) -> DocRecord:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError(path, "empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON ({exc.msg})", line=exc.lineno) from None
    try:
        return DocRecord.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        raise RecordError(path, f"not a kg-docrecord/1 record ({loc}: {first.get('msg')})") from None


# --------------------------------------------------------------------------- matching helpers


def dates_compatible(a: str | None, b: str | None) -> bool:
    """True when either date is null or both agree at the coarser precision (``2024-05`` ~ ``2024-05-01``)."""
    if a is None or b is None:
        return True
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _names(item: Actor | Place) -> frozenset[str]:
    """Normalised name and aliases; names that normalise to nothing are dropped (they match nothing)."""
    return frozenset(n for n in (normalize_name(x) for x in (item.name, *item.aliases)) if n)


class _Index:
    """Normalised names of one record, by item position and by local id (actor or place)."""

    def __init__(self, record: DocRecord) -> None:
        self.record = record
        self.actor_names = [_names(a) for a in record.actors]
        self.place_names = [_names(p) for p in record.places]
        by_id: dict[str, frozenset[str]] = {}
        label: dict[str, str] = {}
        for item, names in [*zip(record.actors, self.actor_names), *zip(record.places, self.place_names)]:
            by_id[item.id] = by_id.get(item.id, frozenset()) | names
            label.setdefault(item.id, item.name)
        self.id_names = by_id
        self.label = label

    def names_of(self, ref: str | None) -> frozenset[str]:
        return self.id_names.get(ref, frozenset()) if ref is not None else frozenset()


def _maximum_matching(n_pred: int, n_gold: int, edges: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """A maximum-cardinality one-to-one pairing, heaviest among the largest; deterministic.

    ``edges`` maps (pred index, gold index) to a positive integer weight (the
    tie-break). Each connected component is solved on its own: a component
    with a single predicted or gold item just takes its heaviest edge, the
    rest go to networkx's blossom algorithm with ``maxcardinality=True``.
    """
    if not edges:
        return []
    graph = nx.Graph()
    for (i, j), w in sorted(edges.items()):
        graph.add_edge(("p", i), ("g", j), weight=w)
    pairs: list[tuple[int, int]] = []
    for component in sorted(nx.connected_components(graph), key=min):
        preds = sorted(n[1] for n in component if n[0] == "p")
        golds = sorted(n[1] for n in component if n[0] == "g")
        if len(preds) == 1 or len(golds) == 1:
            # a star: one pair at most; the heaviest edge, ties to the lowest indices
            i, j = max(((i, j) for i in preds for j in golds if (i, j) in edges),
                       key=lambda ij: (edges[ij], -ij[0], -ij[1]))
            pairs.append((i, j))
            continue
        sub = graph.subgraph([("p", i) for i in preds] + [("g", j) for j in golds])
        for u, v in nx.max_weight_matching(sub, maxcardinality=True, weight="weight"):
            gnode, pnode = sorted((u, v))  # ("g", j) sorts before ("p", i)
            pairs.append((pnode[1], gnode[1]))
    return sorted(pairs)


def _match_entities(pred_items: Sequence[Actor | Place], pred_names: list[frozenset[str]],
                    gold_items: Sequence[Actor | Place], gold_names: list[frozenset[str]]) -> list[tuple[int, int]]:
    owner: dict[str, list[int]] = {}
    for j, names in enumerate(gold_names):
        for n in names:
            owner.setdefault(n, []).append(j)
    edges: dict[tuple[int, int], int] = {}
    for i, names in enumerate(pred_names):
        for n in names:
            for j in owner.get(n, ()):
                edges[(i, j)] = 2 if pred_items[i].type == gold_items[j].type else 1
    return _maximum_matching(len(pred_items), len(gold_items), edges)


class _Mapper:
    """Whether a predicted id maps to a gold id: their names/aliases intersect (cached)."""

    def __init__(self, pred: _Index, gold: _Index) -> None:
        self.pred, self.gold = pred, gold
        self._cache: dict[tuple[str, str], bool] = {}

    def maps(self, p: str | None, g: str | None) -> bool:
        if p is None or g is None:
            return False
        key = (p, g)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = bool(self.pred.names_of(p) & self.gold.names_of(g))
        return hit

    def any_maps(self, ps: Iterable[str], gs: Sequence[str]) -> bool:
        return any(self.maps(p, g) for p in ps for g in gs)


def _event_edge(m: _Mapper, pe: Event, ge: Event) -> int | None:
    """Weight of a compatible (predicted, gold) event pair, or None when they cannot match."""
    if pe.type != ge.type or not dates_compatible(pe.date, ge.date):
        return None
    agreeing = (
        m.any_maps(pe.agents, ge.agents)
        + m.any_maps(pe.targets, ge.targets)
        + m.maps(pe.location, ge.location)
    )
    if not agreeing:
        return None
    return 1 + 4 * (pe.date == ge.date) + agreeing


def _relation_edge(m: _Mapper, pr: Relation, gr: Relation) -> int | None:
    if pr.predicate != gr.predicate:
        return None
    if m.maps(pr.subject, gr.subject) and m.maps(pr.object, gr.object):
        return 2
    if pr.predicate in SYMMETRIC_PREDICATES and m.maps(pr.subject, gr.object) and m.maps(pr.object, gr.subject):
        return 1
    return None


def _pair_all(preds: Sequence[Any], golds: Sequence[Any], edge: Callable[[Any, Any], int | None]) -> list[tuple[int, int]]:
    edges = {}
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            w = edge(p, g)
            if w is not None:
                edges[(i, j)] = w
    return _maximum_matching(len(preds), len(golds), edges)


def _counts(pairs: list[tuple[int, int]], n_pred: int, n_gold: int) -> Counts:
    return Counts(tp=len(pairs), fp=n_pred - len(pairs), fn=n_gold - len(pairs))


# --------------------------------------------------------------------------- scoring


def score_record(pred: DocRecord | None, gold: DocRecord, *, details: bool = False) -> DocScore:
    """Score one predicted record (None when there is none) against its gold record.

    Args:
        pred: the predicted record, or None (every gold item is then a false negative).
        gold: the gold record.
        details: also list unmatched and disagreeing items. Defaults to False.
    """
    if pred is None:
        empty = DocRecord(doc_id=gold.doc_id)
        result = score_record(empty, gold, details=details)
        return result.model_copy(update={"predicted": False})
    p, g = _Index(pred), _Index(gold)
    m = _Mapper(p, g)
    actor_pairs = _match_entities(pred.actors, p.actor_names, gold.actors, g.actor_names)
    place_pairs = _match_entities(pred.places, p.place_names, gold.places, g.place_names)
    event_pairs = _pair_all(pred.events, gold.events, lambda a, b: _event_edge(m, a, b))
    relation_pairs = _pair_all(pred.relations, gold.relations, lambda a, b: _relation_edge(m, a, b))
    result = DocScore(
        doc_id=gold.doc_id,
        actors=_counts(actor_pairs, len(pred.actors), len(gold.actors)),
        places=_counts(place_pairs, len(pred.places), len(gold.places)),
        events=_counts(event_pairs, len(pred.events), len(gold.events)),
        relations=_counts(relation_pairs, len(pred.relations), len(gold.relations)),
        actor_types=Accuracy(
            correct=sum(pred.actors[i].type == gold.actors[j].type for i, j in actor_pairs),
            total=len(actor_pairs),
        ),
        event_dates=Accuracy(
            correct=sum(pred.events[i].date == gold.events[j].date for i, j in event_pairs),
            total=len(event_pairs),
        ),
    )
    if details:
        result.details = _details(p, g, actor_pairs, place_pairs, event_pairs, relation_pairs)
    return result


def _details(p: _Index, g: _Index, actor_pairs, place_pairs, event_pairs, relation_pairs) -> dict[str, dict[str, list[str]]]:
    pred, gold = p.record, g.record

    def entity(item: Actor | Place) -> str:
        return f"{item.name} ({item.type})"

    def event(idx: _Index, e: Event) -> str:
        def names(ids: Iterable[str]) -> str:
            return ", ".join(idx.label.get(i, i) for i in ids)

        loc = f" @ {idx.label.get(e.location, e.location)}" if e.location else ""
        return f"{e.type}: [{names(e.agents)}] -> [{names(e.targets)}]{loc} date={e.date}"

    def relation(idx: _Index, r: Relation) -> str:
        return f"{idx.label.get(r.subject, r.subject)} {r.predicate} {idx.label.get(r.object, r.object)}"

    out: dict[str, dict[str, list[str]]] = {}
    kinds = [
        ("actors", actor_pairs, pred.actors, gold.actors, entity, entity),
        ("places", place_pairs, pred.places, gold.places, entity, entity),
        ("events", event_pairs, pred.events, gold.events, lambda e: event(p, e), lambda e: event(g, e)),
        ("relations", relation_pairs, pred.relations, gold.relations,
         lambda r: relation(p, r), lambda r: relation(g, r)),
    ]
    for kind, pairs, preds, golds, show_p, show_g in kinds:
        used_p = {i for i, _ in pairs}
        used_g = {j for _, j in pairs}
        out[kind] = {
            "missed": [show_g(x) for j, x in enumerate(golds) if j not in used_g],
            "spurious": [show_p(x) for i, x in enumerate(preds) if i not in used_p],
        }
    out["actors"]["wrong_type"] = [
        f"{pred.actors[i].name}: {pred.actors[i].type}, gold {gold.actors[j].type}"
        for i, j in actor_pairs if pred.actors[i].type != gold.actors[j].type
    ]
    out["events"]["wrong_date"] = [
        f"{event(g, gold.events[j])}: predicted date={pred.events[i].date}"
        for i, j in event_pairs if pred.events[i].date != gold.events[j].date
    ]
    return out


def score(
    pred_records: Iterable[DocRecord],
    gold: dict[str, DocRecord],
    *,
    details: bool = False,
    problems: Iterable[str] = (),
) -> EvalReport:
    """Score every gold document against the predictions.

    Args:
        pred_records: predicted records; a doc_id seen twice keeps the first
            record (the later one is noted in ``problems``).
        gold: gold records by doc_id (see ``load_gold``).
        details: list unmatched items per document. Defaults to False.
        problems: earlier problems (bad record lines) to carry into the report.
    """
    notes = list(problems)
    preds: dict[str, DocRecord] = {}
    for record in pred_records:
        if record.doc_id in preds:
            where = f"{record.source}: " if record.source else ""
            notes.append(f"{where}duplicate predicted doc_id {record.doc_id!r}: only the first record is scored")
            continue
        preds[record.doc_id] = record
    documents = [score_record(preds.get(doc_id), gold[doc_id], details=details) for doc_id in sorted(gold)]
    total = DocScore(doc_id="TOTAL", predicted=all(d.predicted for d in documents))
    for d in documents:
        for kind in KINDS:
            setattr(total, kind, getattr(total, kind) + getattr(d, kind))
        total.actor_types = total.actor_types + d.actor_types
        total.event_dates = total.event_dates + d.event_dates
    return EvalReport(
        documents=documents,
        total=total,
        macro=_macro(documents),
        missing=[d.doc_id for d in documents if not d.predicted],
        unscored=sorted(set(preds) - set(gold)),
        problems=notes,
    )


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def _macro(documents: list[DocScore]) -> Macro:
    per_kind = {
        kind: {
            metric: _mean(getattr(getattr(d, kind), metric) for d in documents)
            for metric in ("precision", "recall", "f1")
        }
        for kind in KINDS
    }
    return Macro(
        **per_kind,
        actor_types=_mean(d.actor_types.value for d in documents),
        event_dates=_mean(d.event_dates.value for d in documents),
    )
