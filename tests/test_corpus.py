"""The corpus merge: same event from several reports -> one event with all its sources."""

from __future__ import annotations

import random

import pytest

from kg.corpus import (
    build_corpus_graph,
    dates_compatible,
    event_years,
    events_compatible,
    filter_events,
    find_actors,
    find_places,
    merge_records,
    nodes_of_kind,
)
from kg.errors import KgError
from kg.models import Actor, DocRecord, Event, Mention, Place, Relation

ACTORS = [
    Actor(id="jnim", name="JNIM", type="ArmedGroup", aliases=["JNIM"]),
    Actor(id="fama", name="Malian Armed Forces", type="StateForce", aliases=["FAMa"]),
    Actor(id="wagner", name="Wagner Group", type="PrivateMilitary"),
]
PLACES = [
    Place(id="place-kati", name="Kati", type="Settlement", country="ML", lat=12.744, lon=-8.072),
    Place(id="place-timbuktu", name="Timbuktu", type="Settlement", country="ML", lat=16.77, lon=-3.0),
    Place(id="place-mali", name="Mali", type="Country", country="ML", lat=17.0, lon=-4.0),
]


def rec(doc_id: str, *events: Event, relations: tuple[Relation, ...] = (), actors=ACTORS, places=PLACES) -> DocRecord:
    return DocRecord(doc_id=doc_id, actors=list(actors), places=list(places), events=list(events), relations=list(relations))


def ev(type_="attack", agents=("jnim",), targets=("fama",), location="place-kati", date="2024-03-01", **kw) -> Event:
    return Event(type=type_, agents=list(agents), targets=list(targets), location=location, date=date, **kw)


def merged(*records: DocRecord):
    return merge_records(records).events


# ------------------------------------------------------------ the fixture set
def test_fixture_kati_attack_becomes_one_event_with_two_sources(small_records):
    corpus = merge_records(small_records)
    assert corpus.reports == 7
    assert len(corpus.events) == 6
    kati = [e for e in corpus.events if e.location == "place-kati"]
    assert len(kati) == 1
    (attack,) = kati
    assert attack.source_count == 2
    assert [s.doc_id for s in attack.sources] == ["brief-a", "brief-b"]
    assert attack.fatalities == 12
    assert attack.modality == "asserted"  # one asserted report, one "reportedly"
    assert {s.modality for s in attack.sources} == {"asserted", "reported"}
    assert all(e.source_count == 1 for e in corpus.events if e is not attack)


def test_fixture_symmetric_relation_merges_across_directions(small_records):
    corpus = merge_records(small_records)
    hostile = [r for r in corpus.relations if r.predicate == "hostile_to" and {r.subject, r.object} == {"jnim", "mali-armed-forces"}]
    assert len(hostile) == 1
    assert hostile[0].source_count == 2


def test_fixture_actors_unioned(small_records):
    corpus = merge_records(small_records)
    jnim = corpus.actors["jnim"]
    assert jnim.doc_ids == ["brief-a", "brief-b", 'brief-c "quoted" {x}']
    assert jnim.mention_count == 3  # no mention offsets: one per document
    assert "JNIM" in jnim.aliases
    assert "\u062a\u0645\u0628\u0643\u062a\u0648" in corpus.places["place-timbuktu"].aliases


# ------------------------------------------------------------ the merge rule
def test_two_reports_of_one_event_become_one_with_two_sources():
    events = merged(rec("a", ev(evidence="A says")), rec("b", ev(evidence="B says", modality="reported")))
    assert len(events) == 1
    assert events[0].source_count == 2
    assert [s.evidence for s in events[0].sources] == ["A says", "B says"]


def test_two_different_events_stay_two():
    events = merged(
        rec("a", ev(date="2024-03-01")),
        rec("b", ev(date="2024-03-09")),  # another day
        rec("c", ev(location="place-timbuktu")),  # another town
        rec("d", ev(type_="abduction")),  # another type
    )
    assert len(events) == 4
    assert all(e.source_count == 1 for e in events)


def test_arguments_must_overlap():
    events = merged(rec("a", ev(agents=["jnim"], targets=["fama"])), rec("b", ev(agents=["wagner"], targets=["jnim"])))
    assert len(events) == 2


def test_coarse_date_merges_and_precise_date_is_kept():
    events = merged(rec("a", ev(date="2024")), rec("b", ev(date="2024-03")), rec("c", ev(date="2024-03-01")))
    assert len(events) == 1
    assert events[0].date == "2024-03-01"
    assert events[0].source_count == 3


def test_one_undated_report_merges_with_a_dated_one():
    events = merged(rec("a", ev(date=None)), rec("b", ev(date="2024-03-01")))
    assert len(events) == 1 and events[0].date == "2024-03-01"


def test_undated_reports_merge_only_when_everything_agrees():
    same = merged(rec("a", ev(date=None)), rec("b", ev(date=None)))
    assert len(same) == 1 and same[0].source_count == 2
    other_target = merged(rec("a", ev(date=None)), rec("b", ev(date=None, targets=["fama", "wagner"])))
    assert len(other_target) == 2
    other_place = merged(rec("a", ev(date=None)), rec("b", ev(date=None, location=None)))
    assert len(other_place) == 2


def test_country_contains_its_towns_and_the_town_is_kept():
    events = merged(rec("a", ev(location="place-mali", date="2024-03")), rec("b", ev(location="place-kati")))
    assert len(events) == 1
    assert events[0].location == "place-kati"


def test_a_vague_report_cannot_chain_two_distinct_events():
    events = merged(
        rec("a", ev(location="place-kati", date="2024-03-01")),
        rec("b", ev(location="place-mali", date="2024-03")),
        rec("c", ev(location="place-timbuktu", date="2024-03-05")),
    )
    # "b" could be either attack: it is not credited to one of them at random.
    assert sorted((e.location, e.source_count) for e in events) == [
        ("place-kati", 1), ("place-mali", 1), ("place-timbuktu", 1),
    ]


def test_an_unambiguous_vague_report_still_merges():
    events = merged(
        rec("a", ev(location="place-kati", date="2024-03-01")),
        rec("a2", ev(location="place-kati", date="2024-03-01", fatalities=3)),
        rec("b", ev(location="place-mali", date="2024-03")),
        rec("c", ev(location="place-timbuktu", date="2024-04-05")),
    )
    assert sorted((e.location, e.source_count) for e in events) == [("place-kati", 3), ("place-timbuktu", 1)]


def test_hypothetical_is_not_merged_with_what_happened():
    events = merged(rec("a", ev()), rec("b", ev(modality="hypothetical")))
    assert len(events) == 2
    assert len({e.id for e in events}) == 2


def test_armed_clash_sides_are_symmetric():
    clash = {"type_": "armed_clash"}
    events = merged(rec("a", ev(**clash, agents=["jnim"], targets=["fama"])), rec("b", ev(**clash, agents=["fama"], targets=["jnim"])))
    assert len(events) == 1
    assert events[0].agents == ["fama", "jnim"] and events[0].targets == []


def test_argument_less_reports_merge_on_their_location():
    bare = {"agents": [], "targets": []}
    assert len(merged(rec("a", ev(**bare)), rec("b", ev(**bare)))) == 1
    assert len(merged(rec("a", ev(**bare)), rec("b", ev(**bare, location="place-timbuktu")))) == 2


def test_fatalities_keep_the_highest_and_the_range():
    (event,) = merged(rec("a", ev(fatalities=10)), rec("b", ev(fatalities=12)), rec("c", ev()))
    assert (event.fatalities, event.fatalities_min, event.fatalities_max) == (12, 10, 12)


def test_arguments_are_unioned():
    (event,) = merged(rec("a", ev(agents=["jnim"])), rec("b", ev(agents=["jnim", "wagner"], targets=["fama"])))
    assert event.agents == ["jnim", "wagner"] and event.targets == ["fama"]


def test_merge_does_not_depend_on_order():
    records = [
        rec("a", ev(), ev(type_="abduction", date="2023-05"), ev(location="place-mali", date="2024-03")),
        rec("b", ev(evidence="b1"), ev(date="2024-03-05", location="place-timbuktu")),
        rec("c", ev(date="2024"), ev(type_="abduction", date=None, location=None)),
    ]

    def snapshot(recs):
        return [(e.id, e.date, e.location, [(s.doc_id, s.evidence) for s in e.sources]) for e in merge_records(recs).events]

    expected = snapshot(records)
    rng = random.Random(3)
    for _ in range(10):
        shuffled = [r.model_copy(update={"events": rng.sample(r.events, len(r.events))}) for r in records]
        rng.shuffle(shuffled)
        assert snapshot(shuffled) == expected


def test_mentions_are_summed():
    jnim = Actor(id="jnim", name="JNIM", type="ArmedGroup", mentions=[Mention(start=0, end=4, text="JNIM")] * 3)
    corpus = merge_records([rec("a", actors=[jnim]), rec("b", actors=[jnim, *ACTORS[1:]])])
    assert corpus.actors["jnim"].mention_count == 6


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [("2024", "2024-03-01", True), ("2024-03", "2024-03-31", True), ("2024-02", "2024-03-01", False), (None, "2024", True), ("2023", "2024", False)],
)
def test_dates_compatible(a, b, ok):
    assert dates_compatible(a, b) is ok
    assert dates_compatible(b, a) is ok


def test_events_compatible_without_place_knowledge():
    assert not events_compatible(ev(location="place-mali"), ev(location="place-kati"))


# ------------------------------------------------------------------- graph
def test_graph_shape(small_records):
    g = build_corpus_graph(small_records)
    assert g.graph["documents"] == 3 and g.graph["reports"] == 7 and g.graph["events"] == 6
    assert len(nodes_of_kind(g, "actor")) == 7
    assert len(nodes_of_kind(g, "document")) == 3
    (kati,) = [n for n, d in nodes_of_kind(g, "event") if d["location"] == "place-kati"]
    assert g.nodes[kati]["source_count"] == 2
    assert g.has_edge("jnim", kati, key="agent")
    assert g.has_edge(kati, "mali-armed-forces", key="target")
    assert g.has_edge(kati, "place-kati", key="location")
    assert g.has_edge(kati, "doc:brief-a", key="source") and g.has_edge(kati, "doc:brief-b", key="source")
    assert g.has_edge("jnim", "al-qaeda", key="affiliated_with")
    assert g.nodes["jnim"]["event_count"] == 2
    assert event_years(g) == [2021, 2023, 2024]


def test_filter_by_actor_type_and_year(small_records):
    g = build_corpus_graph(small_records)
    attacks = filter_events(g, actor="JNIM", date_from="2024-01-01", date_to="2024-12-31", types=["attack"])
    assert len(attacks) == 1 and attacks[0]["source_count"] == 2
    assert [e["type"] for e in filter_events(g, actor="jnim")] == ["attack", "siege_blockade"]


def test_filter_by_place_and_date_window(small_records):
    g = build_corpus_graph(small_records)
    assert {e["location"] for e in filter_events(g, place="Tombouctou")} == {"place-timbuktu"}
    assert len(filter_events(g, place="Mali")) == 6  # the country covers its towns
    march_end = filter_events(g, date_from="2024-03-15", date_to="2024-03-31")
    assert [e["type"] for e in march_end] == ["siege_blockade", "territory_capture"]  # month overlaps the window


def test_find_actor_by_alias_and_part(small_records):
    g = build_corpus_graph(small_records)
    assert find_actors(g, "FAMa") == {"mali-armed-forces"}
    assert find_actors(g, "wagner") == {"wagner"}
    assert "place-kati" in find_places(g, "Mali")


@pytest.mark.parametrize("kw", [{"actor": "nobody at all"}, {"place": "Atlantis"}, {"date_from": "March 2024"}])
def test_filter_errors_are_kg_errors(small_records, kw):
    g = build_corpus_graph(small_records)
    with pytest.raises(KgError):
        filter_events(g, **kw)
