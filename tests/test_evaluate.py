"""The scorer: every FORMAT.md matching rule on hand-made pred/gold pairs, the gold
scored against itself, and ``kg eval`` through typer's CliRunner."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from kg.cli import app
from kg.errors import InputError, KgError, RecordError
from kg.evaluate import KINDS, dates_compatible, load_gold, score, score_record
from kg.models import DocRecord

GOLD_DEV = SHARED / "eval" / "dev"


# --------------------------------------------------------------------------- builders


def actor(id_, name, type_="ArmedGroup", *aliases):
    return {"id": id_, "name": name, "type": type_, "aliases": list(aliases)}


def place(id_, name, type_="Settlement", *aliases):
    return {"id": id_, "name": name, "type": type_, "aliases": list(aliases)}


def event(type_, agents=(), targets=(), location=None, date=None):
    return {"type": type_, "agents": list(agents), "targets": list(targets), "location": location, "date": date}


def rel(s, p, o):
    return {"subject": s, "predicate": p, "object": o}


def rec(doc_id="d", actors=(), places=(), events=(), relations=()):
    return DocRecord.model_validate(
        {"doc_id": doc_id, "actors": list(actors), "places": list(places),
         "events": list(events), "relations": list(relations)}
    )


def counts(score_, kind):
    c = getattr(score_, kind)
    return (c.tp, c.fp, c.fn)


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "pred_name, gold_name, matches",
    [
        ("Al Qaeda", "al-Qaeda", True),
        ("al Qaeda", "AL-QAEDA", True),
        ("The Islamic State", "Islamic State", True),
        ("the Malian Armed Forces", "Malian Armed Forces", True),
        ("Jama’at Nusrat al-Islam", "Jamaat Nusrat al Islam", True),  # curly apostrophe dropped
        ("Ançar Dine", "Ansar Dine", False),  # a different spelling is a different name
        ("Katiba Macina", "Katiba Maçina", True),  # diacritics removed
        ("Wagner Group", "Wagner", False),  # no partial matching
        ("Theatre Group", "atre Group", False),  # "the" only as a word
        ("--", "...", False),  # names that normalise to nothing match nothing
    ],
)
def test_actor_name_normalisation(pred_name, gold_name, matches):
    s = score_record(rec(actors=[actor("p", pred_name)]), rec(actors=[actor("g", gold_name)]))
    assert counts(s, "actors") == ((1, 0, 0) if matches else (0, 1, 1))


@pytest.mark.parametrize(
    "pred_name, gold_name, matches",
    [("Ségou", "Segou", True), ("Tombouctou", "Timbuktu", False), ("the Sahel", "Sahel", True)],
)
def test_place_name_normalisation(pred_name, gold_name, matches):
    s = score_record(rec(places=[place("p", pred_name)]), rec(places=[place("g", gold_name)]))
    assert counts(s, "places") == ((1, 0, 0) if matches else (0, 1, 1))


def test_actor_matches_through_aliases_on_either_side():
    gold = rec(actors=[actor("jnim", "Jama'at Nusrat al-Islam wal-Muslimin", "ArmedGroup", "JNIM", "GSIM")])
    pred = rec(actors=[actor("a1", "Group for the Support of Islam and Muslims", "ArmedGroup", "gsim")])
    assert counts(score_record(pred, gold), "actors") == (1, 0, 0)


def test_actors_and_places_are_scored_separately():
    gold = rec(actors=[actor("mali", "Mali", "State")], places=[place("mali-p", "Mali", "Country")])
    pred = rec(actors=[actor("m", "Mali", "State")])
    s = score_record(pred, gold)
    assert counts(s, "actors") == (1, 0, 0)
    assert counts(s, "places") == (0, 0, 1)


# --------------------------------------------------------------------------- one-to-one


def test_each_gold_actor_matched_at_most_once():
    gold = rec(actors=[actor("g", "JNIM")])
    pred = rec(actors=[actor("a", "JNIM"), actor("b", "jnim")])
    assert counts(score_record(pred, gold), "actors") == (1, 1, 0)


def test_one_predicted_actor_covering_two_gold_actors_counts_once():
    gold = rec(actors=[actor("g1", "Ansar Dine"), actor("g2", "JNIM")])
    pred = rec(actors=[actor("a", "JNIM", "ArmedGroup", "Ansar Dine")])
    assert counts(score_record(pred, gold), "actors") == (1, 0, 1)


@pytest.mark.parametrize("order", [0, 1])
def test_matching_is_maximum_not_greedy(order):
    # "A" could take either gold item; "B" only "x". A greedy pass over A
    # first could pair A-x and leave B unmatched; the maximum matching pairs both.
    preds = [actor("A", "x", "ArmedGroup", "y"), actor("B", "x")]
    gold = rec(actors=[actor("gx", "x"), actor("gy", "y")])
    pred = rec(actors=preds if order == 0 else preds[::-1])
    assert counts(score_record(pred, gold), "actors") == (2, 0, 0)


def test_type_accuracy_over_matched_actors_and_tie_break():
    gold = rec(actors=[actor("g1", "FAMa", "StateForce"), actor("g2", "Wagner", "PrivateMilitary"),
                       actor("g3", "MINUSMA", "InternationalOrg")])
    pred = rec(actors=[actor("a", "FAMa", "StateForce"), actor("b", "Wagner", "ArmedGroup")])
    s = score_record(pred, gold)
    assert counts(s, "actors") == (2, 0, 1)
    assert (s.actor_types.correct, s.actor_types.total, s.actor_types.value) == (1, 2, 0.5)
    # two equally good pairings: the one whose type agrees is chosen
    gold2 = rec(actors=[actor("g1", "Mali", "Other"), actor("g2", "Republic of Mali", "State", "Mali")])
    s2 = score_record(rec(actors=[actor("a", "Mali", "State")]), gold2)
    assert s2.actor_types.value == 1.0


# --------------------------------------------------------------------------- events


JNIM_G = actor("jnim", "Jama'at Nusrat al-Islam wal-Muslimin", "ArmedGroup", "JNIM")
FAMA_G = actor("fama", "Malian Armed Forces", "StateForce", "FAMa")
MALI_G = place("mali", "Mali", "Country")
KATI_G = place("kati", "Kati", "Settlement")


def gold_with(*events):
    return rec(actors=[JNIM_G, FAMA_G], places=[MALI_G, KATI_G], events=events)


def pred_with(*events, extra_actors=()):
    return rec(
        actors=[actor("p-jnim", "JNIM"), actor("p-fama", "the Malian armed forces"), *extra_actors],
        places=[place("p-kati", "KATI"), place("p-mali", "Mali", "Country")],
        events=events,
    )


@pytest.mark.parametrize(
    "pred_event, gold_event, matches",
    [
        # argument mapping through aliases (JNIM is an alias of the gold actor)
        (event("attack", ["p-jnim"]), event("attack", ["jnim"], ["fama"], "kati", "2024-03-01"), True),
        # event type must be equal
        (event("armed_clash", ["p-jnim"]), event("attack", ["jnim"]), False),
        # one agreeing argument is enough: the target
        (event("attack", ["p-fama"], ["p-jnim"]), event("attack", ["jnim"], ["jnim"]), True),
        # ... or the location alone
        (event("attack", [], [], "p-kati"), event("attack", ["jnim"], ["fama"], "kati"), True),
        # roles are compared role by role: a predicted agent against gold targets does not agree
        (event("attack", ["p-fama"]), event("attack", ["jnim"], ["fama"]), False),
        (event("attack", [], ["p-kati"]), event("attack", ["jnim"], [], "kati"), False),
        # no argument agrees
        (event("attack", ["p-fama"], [], "p-mali"), event("attack", ["jnim"], [], "kati"), False),
        # a target may be an actor on one side and a place on the other: names decide
        (event("siege_blockade", ["p-fama"], ["p-mali"]), event("siege_blockade", ["jnim"], ["mali-a"]), True),
    ],
)
def test_event_matching(pred_event, gold_event, matches):
    gold = rec(actors=[JNIM_G, FAMA_G, actor("mali-a", "Mali", "State")], places=[MALI_G, KATI_G],
               events=[gold_event])
    s = score_record(pred_with(pred_event), gold)
    assert counts(s, "events") == ((1, 0, 0) if matches else (0, 1, 1))


@pytest.mark.parametrize(
    "pred_date, gold_date, compatible, exact",
    [
        ("2024-03-01", "2024-03-01", True, True),
        ("2024-03", "2024-03-01", True, False),  # equal at the coarser precision
        ("2024", "2024-03-01", True, False),
        ("2024-03-01", "2024", True, False),
        ("2024-04", "2024-03-01", False, False),
        ("2023", "2024", False, False),
        (None, "2024-03-01", True, False),  # either null: compatible
        ("2024-03-01", None, True, False),
        (None, None, True, True),
    ],
)
def test_event_date_compatibility_and_accuracy(pred_date, gold_date, compatible, exact):
    assert dates_compatible(pred_date, gold_date) is compatible
    s = score_record(pred_with(event("attack", ["p-jnim"], date=pred_date)),
                     gold_with(event("attack", ["jnim"], date=gold_date)))
    assert counts(s, "events") == ((1, 0, 0) if compatible else (0, 1, 1))
    if compatible:
        assert s.event_dates.value == (1.0 if exact else 0.0)
    else:
        assert s.event_dates.value is None


def test_each_gold_event_matched_at_most_once_and_best_date_preferred():
    gold = gold_with(event("attack", ["jnim"], date="2024-03"), event("attack", ["jnim"], date="2024-03-01"))
    pred = pred_with(event("attack", ["p-jnim"], date="2024-03-01"))
    s = score_record(pred, gold)
    assert counts(s, "events") == (1, 0, 1)
    assert s.event_dates.value == 1.0  # paired with the gold event of the same date
    dup = pred_with(event("attack", ["p-jnim"]), event("attack", ["p-jnim"]), event("attack", ["p-jnim"]))
    assert counts(score_record(dup, gold), "events") == (2, 1, 0)


def test_event_argument_mapping_ignores_the_one_to_one_actor_pairing():
    # the predicted record has JNIM twice (a duplicate actor is a false positive),
    # yet an event pointing at the unpaired duplicate still maps by name.
    pred = pred_with(event("attack", ["p-jnim-2"]), extra_actors=[actor("p-jnim-2", "JNIM")])
    s = score_record(pred, gold_with(event("attack", ["jnim"])))
    assert counts(s, "actors") == (2, 1, 0)
    assert counts(s, "events") == (1, 0, 0)


# --------------------------------------------------------------------------- relations


@pytest.mark.parametrize(
    "pred_rel, gold_rel, matches",
    [
        (rel("p-jnim", "hostile_to", "p-fama"), rel("jnim", "hostile_to", "fama"), True),
        (rel("p-fama", "hostile_to", "p-jnim"), rel("jnim", "hostile_to", "fama"), True),  # symmetric
        (rel("p-fama", "allied_with", "p-jnim"), rel("jnim", "allied_with", "fama"), True),  # symmetric
        (rel("p-fama", "supports", "p-jnim"), rel("jnim", "supports", "fama"), False),  # order matters
        (rel("p-jnim", "affiliated_with", "p-fama"), rel("fama", "affiliated_with", "jnim"), False),
        (rel("p-jnim", "allied_with", "p-fama"), rel("jnim", "hostile_to", "fama"), False),  # predicate
        (rel("p-jnim", "hostile_to", "p-jnim"), rel("jnim", "hostile_to", "fama"), False),  # one end only
    ],
)
def test_relation_matching(pred_rel, gold_rel, matches):
    gold = rec(actors=[JNIM_G, FAMA_G], relations=[gold_rel])
    pred = rec(actors=[actor("p-jnim", "JNIM"), actor("p-fama", "FAMa")], relations=[pred_rel])
    assert counts(score_record(pred, gold), "relations") == ((1, 0, 0) if matches else (0, 1, 1))


def test_symmetric_relation_stated_both_ways_counts_once():
    gold = rec(actors=[JNIM_G, FAMA_G], relations=[rel("jnim", "hostile_to", "fama")])
    pred = rec(actors=[actor("a", "JNIM"), actor("b", "FAMa")],
               relations=[rel("a", "hostile_to", "b"), rel("b", "hostile_to", "a")])
    assert counts(score_record(pred, gold), "relations") == (1, 1, 0)


# --------------------------------------------------------------------------- documents and totals


def test_missing_and_unscored_documents_and_duplicates():
    gold = {
        "a": rec("a", actors=[actor("x", "JNIM")], places=[place("k", "Kati")]),
        "b": rec("b", actors=[actor("x", "FLA"), actor("y", "FAMa")]),
    }
    preds = [
        rec("a", actors=[actor("1", "JNIM"), actor("2", "ISSP")]),
        rec("a", actors=[actor("1", "JNIM")]),  # duplicate: ignored, noted
        rec("extra", actors=[actor("1", "JNIM")]),  # no gold: listed, not counted
    ]
    report = score(preds, gold)
    a, b = report.documents
    assert (a.doc_id, b.doc_id) == ("a", "b")
    assert counts(a, "actors") == (1, 1, 0) and counts(a, "places") == (0, 0, 1)
    assert b.predicted is False and counts(b, "actors") == (0, 0, 2)
    assert report.missing == ["b"] and report.unscored == ["extra"]
    assert len(report.problems) == 1 and "duplicate predicted doc_id 'a'" in report.problems[0]
    # micro: sums over gold documents only
    assert counts(report.total, "actors") == (1, 1, 2)
    assert report.total.actors.f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))
    # macro: mean of per-document values that are defined
    assert report.macro.actors["f1"] == pytest.approx((2 / 3 + 0.0) / 2)
    assert report.macro.actors["precision"] == pytest.approx(0.5)  # b has no prediction: undefined
    assert report.macro.places["recall"] == pytest.approx(0.0)


def test_undefined_ratios_are_none_and_json_is_clean():
    s = score_record(rec(), rec())
    for kind in KINDS:
        c = getattr(s, kind)
        assert (c.precision, c.recall, c.f1) == (None, None, None)
    report = score([rec("d")], {"d": rec("d")})
    data = json.loads(report.to_json())
    assert data["schema"] == "kg-eval/1"
    assert data["total"]["events"]["f1"] is None


def test_details_list_missed_spurious_and_wrong():
    gold = gold_with(event("attack", ["jnim"], ["fama"], "kati", "2024-03-01"), event("coup", ["fama"]))
    pred = pred_with(event("attack", ["p-jnim"], date="2024-03"), event("bombing", ["p-jnim"]))
    s = score_record(pred, gold, details=True)
    d = s.details
    assert d["events"]["missed"] == ["coup: [Malian Armed Forces] -> [] date=None"]
    assert d["events"]["spurious"] == ["bombing: [JNIM] -> [] date=None"]
    assert d["events"]["wrong_date"][0].endswith("predicted date=2024-03")
    assert d["actors"]["missed"] == [] and d["places"]["spurious"] == []


# --------------------------------------------------------------------------- gold


def _gold_records() -> list[DocRecord]:
    if not GOLD_DEV.is_dir():
        pytest.skip("shared gold records not available")
    return list(load_gold(GOLD_DEV).values())


def test_gold_scored_against_itself_is_perfect():
    records = _gold_records()
    report = score(records, {r.doc_id: r for r in records})
    for doc in [*report.documents, report.total]:
        for kind in KINDS:
            assert getattr(doc, kind).f1 == 1.0, (doc.doc_id, kind)
        assert doc.actor_types.value == 1.0 and doc.event_dates.value == 1.0
    for kind in KINDS:
        assert getattr(report.macro, kind)["f1"] == 1.0
    assert report.missing == [] and report.unscored == [] and report.problems == []


def test_gold_against_itself_shuffled_and_renamed_is_still_perfect():
    """Ids and list order must not matter: matching uses names, and is maximum."""
    rng = random.Random(7)
    records = _gold_records()
    shuffled = []
    for r in records:
        data = r.model_dump(by_alias=True)
        new_id = {x["id"]: f"q{n}" for n, x in enumerate([*data["actors"], *data["places"]])}
        for x in [*data["actors"], *data["places"]]:
            x["id"] = new_id[x["id"]]
        for e in data["events"]:
            e["agents"] = [new_id[i] for i in e["agents"]]
            e["targets"] = [new_id[i] for i in e["targets"]]
            e["location"] = new_id.get(e["location"])
        for rl in data["relations"]:
            rl["subject"], rl["object"] = new_id[rl["subject"]], new_id[rl["object"]]
        for key in ("actors", "places", "events", "relations"):
            rng.shuffle(data[key])
        shuffled.append(DocRecord.model_validate(data))
    report = score(shuffled, {r.doc_id: r for r in records})
    for kind in KINDS:
        assert getattr(report.total, kind).f1 == 1.0, kind
    assert report.total.event_dates.value == 1.0


def test_gold_with_half_the_events_dropped():
    records = _gold_records()
    preds = [r.model_copy(update={"events": r.events[::2]}) for r in records]
    report = score(preds, {r.doc_id: r for r in records})
    kept = sum(len(r.events[::2]) for r in records)
    total = sum(len(r.events) for r in records)
    assert counts(report.total, "events") == (kept, 0, total - kept)
    assert report.total.events.precision == 1.0


def write_gold(folder: Path, *records: DocRecord) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for r in records:
        (folder / f"{r.doc_id}.gold.json").write_text(r.to_json(), encoding="utf-8")


def test_load_gold_folder_file_and_jsonl(tmp_path):
    write_gold(tmp_path / "g", rec("a"), rec("b"))
    (tmp_path / "g" / ".hidden.json").write_text("not json", encoding="utf-8")
    assert sorted(load_gold(tmp_path / "g")) == ["a", "b"]
    assert list(load_gold(tmp_path / "g" / "a.gold.json")) == ["a"]
    jl = tmp_path / "gold.jsonl"
    jl.write_text(rec("a").to_json() + "\n" + rec("c").to_json() + "\n", encoding="utf-8")
    assert sorted(load_gold(jl)) == ["a", "c"]


@pytest.mark.parametrize(
    "content, error, problem",
    [
        (b"", InputError, "empty file"),
        (b"{\"doc_id\": ", InputError, "not JSON"),
        (b"\xff\xfe{}", InputError, "not UTF-8"),
        (b'{"doc_id": "x", "actors": [{"id": "a"}]}', RecordError, "not a kg-docrecord/1 record"),
    ],
)
def test_load_gold_bad_file_names_it(tmp_path, content, error, problem):
    write_gold(tmp_path, rec("ok"))
    bad = tmp_path / "bad.gold.json"
    bad.write_bytes(content)
    with pytest.raises(error, match=problem) as info:
        load_gold(tmp_path)
    assert str(bad) in str(info.value)
    errors: list[KgError] = []
    assert list(load_gold(tmp_path, errors=errors)) == ["ok"]
    assert len(errors) == 1


def test_load_gold_rejects_empty_folder_and_duplicate_ids(tmp_path):
    with pytest.raises(InputError, match="no gold files"):
        load_gold(tmp_path)
    write_gold(tmp_path, rec("a"))
    (tmp_path / "copy.json").write_text(rec("a").to_json(), encoding="utf-8")
    with pytest.raises(InputError, match="duplicate gold doc_id 'a'"):
        load_gold(tmp_path)


# --------------------------------------------------------------------------- CLI

runner = CliRunner()


@pytest.fixture
def eval_files(tmp_path):
    gold_dir = tmp_path / "gold"
    gold = gold_with(event("attack", ["jnim"], ["fama"], "kati", "2024-03-01"))
    write_gold(gold_dir, gold.model_copy(update={"doc_id": "doc-1"}), rec("doc-2", actors=[JNIM_G]))
    records = tmp_path / "records.jsonl"
    pred = pred_with(event("attack", ["p-jnim"], date="2024-03")).model_copy(update={"doc_id": "doc-1"})
    records.write_text(
        pred.to_json() + "\n" + "{not json\n" + rec("no-gold").to_json() + "\n",
        encoding="utf-8",
    )
    return gold_dir, records


def test_cli_eval_table(eval_files):
    gold_dir, records = eval_files
    result = runner.invoke(app, ["eval", str(gold_dir), str(records)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "doc-1" in out and "doc-2 (no prediction)" in out
    assert "Not scored (no gold; not in totals)" in out and "no-gold" in out
    # the totals come last
    assert out.index("doc-2") < out.index("Total over 2 gold document(s)")
    assert "micro" in out and "macro" in out
    assert f"{records}:2: not JSON" in result.stderr


def test_cli_eval_json(eval_files):
    gold_dir, records = eval_files
    result = runner.invoke(app, ["eval", str(gold_dir), str(records), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["doc_id"] for d in data["documents"]] == ["doc-1", "doc-2"]
    assert data["documents"][0]["events"] == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert data["documents"][0]["event_dates"]["value"] == 0.0
    assert data["total"]["actors"]["fn"] == 1  # doc-2's JNIM
    assert data["missing"] == ["doc-2"] and data["unscored"] == ["no-gold"]
    assert len(data["problems"]) == 1 and ":2: not JSON" in data["problems"][0]


def test_cli_eval_details(eval_files):
    gold_dir, records = eval_files
    result = runner.invoke(app, ["eval", str(gold_dir), str(records), "--details"])
    assert result.exit_code == 0, result.output
    assert "events wrong_date:" in result.stdout
    assert "actors missed: Jama'at Nusrat al-Islam wal-Muslimin (ArmedGroup)" in result.stdout


def test_cli_eval_missing_inputs_fail_with_one_line(tmp_path, eval_files):
    gold_dir, records = eval_files
    result = runner.invoke(app, ["eval", str(tmp_path / "nope"), str(records)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "nope" in result.stderr
    result = runner.invoke(app, ["eval", str(gold_dir), str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1 and "missing.jsonl" in result.stderr


def test_cli_eval_hostile_doc_ids_are_printed_as_data(tmp_path):
    hostile = "[/]x [bold]\"quoted\" {y} MATCH (n) DELETE n <urn:z>"
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "one.gold.json").write_text(rec(hostile, actors=[JNIM_G]).to_json(), encoding="utf-8")
    records = tmp_path / "records.jsonl"
    records.write_text(rec(hostile, actors=[actor("a", "JNIM")]).to_json() + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(gold_dir), str(records), "--details"])
    assert result.exit_code == 0, result.output
    assert "[/]x [bold]" in result.stdout
