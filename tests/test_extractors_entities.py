"""``conflict_entities``: gazetteer names, NER names, glued words, citations, outlets, metonyms.

Docs are built by hand (see ``extractor_helpers``): no trained model is needed,
and a failure points at the component, not at a parser's mistake.
"""

from __future__ import annotations

import pytest
from extractor_helpers import actor_ids, blank_nlp, extract, place_ids, spans_of

from extractors.common import ACTOR, PLACE, entities
from extractors.entities import citation_ranges, infer_org_type

# ----------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("name", "context", "expected"),
    [
        ("Wagner Group", (), "PrivateMilitary"),
        ("Nigerien National Guard", (), "StateForce"),
        ("Brigade of the Dunes", (), "ArmedGroup"),
        ("Sahel Youth Forum", (), "InternationalOrg"),
        ("Ministry of Mines", (), "State"),
        ("Dune Riders", ("the", "armed", "group"), "ArmedGroup"),
        ("Dune Riders", ("the", "company", "said"), "Other"),
    ],
)
def test_infer_org_type_reads_the_name_then_the_context(name, context, expected):
    assert infer_org_type(name, context) == expected


def test_citation_ranges_cover_the_whole_block():
    text = "Troops withdrew. (Sources: Reuters, BBC) Then (Photo: AFP) and (Gao)."
    blocks = [text[a:b] for a, b in citation_ranges(text)]
    assert blocks == ["(Sources: Reuters, BBC)", "(Photo: AFP)"]


# ----------------------------------------------------------------------------- gazetteer names

ONE_GROUP_TWO_NAMES = """
JNIM                                  PROPN  nsubj  struck
struck=strike                         VERB   ROOT
first                                 ADV    advmod struck
.

Jama'at_Nusrat_al-Islam_wal-Muslimin  PROPN  nsubj  withdrew
withdrew=withdraw                     VERB   ROOT
.
"""


def test_acronym_and_full_name_resolve_to_one_entity():
    doc = extract(ONE_GROUP_TWO_NAMES)
    assert spans_of(doc, ACTOR) == [
        ("JNIM", ACTOR, "jnim"),
        ("Jama'at Nusrat al-Islam wal-Muslimin", ACTOR, "jnim"),
    ]
    ent = entities(doc)["jnim"]
    assert ent.type == "ArmedGroup"
    assert {"JNIM", "Jama'at Nusrat al-Islam wal-Muslimin"} <= ent.aliases


def test_country_name_is_both_the_state_and_the_country_over_the_same_tokens():
    doc = extract("""
    Niger       PROPN  nsubj  closed
    closed=close VERB  ROOT
    its         PRON   nmod:poss border
    border      NOUN   obj    closed
    .
    """)
    by_label = {label: (text, ent_id) for text, label, ent_id in spans_of(doc)}
    assert by_label == {ACTOR: ("Niger", "niger"), PLACE: ("Niger", "place-niger")}
    reg = entities(doc)
    assert (reg["niger"].type, reg["place-niger"].type) == ("State", "Country")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param("""
        JIHADISTS=jihadist  NOUN  nsubj  TOLD
        TOLD=tell           VERB  ROOT
        US=we               PRON  obj    TOLD
        TO                  PART  mark   GO
        GO                  VERB  xcomp  TOLD
        """, set(), id="all-caps-headline-us-is-a-pronoun"),
        pytest.param("""
        The          DET    det    US
        US           PROPN  nsubj  sent
        sent=send    VERB   ROOT
        drones=drone NOUN   obj    sent
        .
        """, {"united-states"}, id="us-in-running-text-is-the-state"),
        pytest.param("""
        They        PRON   nsubj  told
        told=tell   VERB   ROOT
        us=we       PRON   obj    told
        .
        """, set(), id="lowercase-us-never-matches"),
    ],
)
def test_short_acronyms_match_only_as_written_and_not_in_shouting(spec, expected):
    assert actor_ids(extract(spec)) == expected


@pytest.mark.parametrize(
    "surface",
    ["al-Mourabitoun", "Al-Mourabitoun", "AL-MOURABITOUN"],
)
def test_case_free_alias_is_found_whatever_its_case_twins(surface):
    # Bug fixed with these tests: a case-exact alias that folds to the same string
    # ("Al-Mourabitoun") used to veto the case-free one ("al-Mourabitoun").
    doc = extract(f"""
    {surface}          PROPN  nsubj  regrouped
    regrouped=regroup  VERB   ROOT
    .
    """)
    assert actor_ids(doc) == {"al-mourabitoun"}


def test_names_inside_a_citation_block_are_ignored():
    spec = """
    Troops=troop       NOUN   nsubj      withdrew
    withdrew=withdraw  VERB   ROOT
    .
    (                  PUNCT  punct      Sources
    Sources=source     NOUN   parataxis  withdrew
    :                  PUNCT  punct      Reuters
    Reuters            PROPN  appos      Sources    ent=ORG
    ,                  PUNCT  punct      MINUSMA
    MINUSMA            PROPN  conj       Reuters    ent=ORG
    )                  PUNCT  punct      Sources
    """
    doc = extract(spec)
    assert doc.text.endswith("(Sources: Reuters, MINUSMA)")
    assert spans_of(doc) == []


def test_the_same_names_outside_a_citation_are_found():
    # the control for the test above: the same name is found when it is not in a citation
    doc = extract("""
    Reporters=reporter  NOUN   nsubj  quoted
    quoted=quote        VERB   ROOT
    MINUSMA             PROPN  obj    quoted   ent=ORG
    .
    """)
    assert actor_ids(doc) == {"minusma"}


@pytest.mark.parametrize(
    ("glued", "actor", "place"),
    [("Algeriawhich", "algeria", "place-algeria"), ("Malithe", "mali", "place-mali")],
)
def test_glued_words_are_repaired_when_the_head_is_a_known_name(glued, actor, place):
    doc = extract(f"""
    Troops=troop    NOUN   nsubj  crossed
    crossed=cross   VERB   ROOT
    into            ADP    case   {glued}
    {glued}         PROPN  obl    crossed
    quickly         ADV    advmod crossed
    .
    """)
    assert (actor_ids(doc), place_ids(doc)) == ({actor}, {place})


def test_glued_unknown_word_is_left_alone():
    doc = extract("""
    Troops=troop    NOUN   nsubj  crossed
    crossed=cross   VERB   ROOT
    Zorgwhich       PROPN  obj    crossed
    .
    """)
    assert spans_of(doc) == []


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("""
        The                DET    det       people
        Azawad             PROPN  compound  people
        people             NOUN   nsubj     protested
        protested=protest  VERB   ROOT
        .
        """, id="Azawad-people"),
        pytest.param("""
        They          PRON   nsubj     signed
        signed=sign   VERB   ROOT
        the           DET    det       Accord
        Algiers       PROPN  compound  Accord
        Accord        PROPN  obj       signed
        .
        """, id="Algiers-Accord"),
    ],
)
def test_a_place_name_modifying_a_people_or_an_accord_is_no_place(spec):
    assert place_ids(extract(spec)) == set()


@pytest.mark.parametrize(
    ("spec", "actors", "places"),
    [
        pytest.param("""
        Moscow             PROPN  nsubj  responded
        responded=respond  VERB   ROOT
        .
        """, {"russia"}, set(), id="capital-that-acts-is-the-state"),
        pytest.param("""
        Paris     PROPN  nmod:poss  decision
        's        PART   case       Paris
        decision  NOUN   nsubj      surprised
        surprised=surprise VERB ROOT
        Bamako    PROPN  obj        surprised
        .
        """, {"france"}, {"place-bamako"}, id="capital-possessor-is-the-state"),
        pytest.param("""
        He          PRON   nsubj  flew
        flew=fly    VERB   ROOT
        to          ADP    case   Moscow
        Moscow      PROPN  obl    flew
        .
        """, set(), {"place-moscow"}, id="capital-as-destination-is-a-place"),
    ],
)
def test_capital_metonyms(spec, actors, places):
    doc = extract(spec)
    assert (actor_ids(doc), place_ids(doc)) == (actors, places)


# ----------------------------------------------------------------------------- NER names

PERSON_AND_NEW_GROUP = """
Colonel          PROPN  compound  Ousmane_Diarra
Ousmane_Diarra   PROPN  nsubj     said          ent=PER
said=say         VERB   ROOT
the              DET    det       Brigade_of_the_Dunes
Brigade_of_the_Dunes PROPN nsubj  fled          ent=ORG
fled=flee        VERB   ccomp     said
.
"""


def test_ner_person_and_new_organisation_become_typed_actors():
    doc = extract(PERSON_AND_NEW_GROUP)
    reg = entities(doc)
    assert actor_ids(doc) == {"ousmane-diarra", "brigade-of-the-dunes"}
    assert (reg["ousmane-diarra"].type, reg["ousmane-diarra"].source) == ("Person", "ner")
    assert reg["brigade-of-the-dunes"].type == "ArmedGroup"


def test_ner_is_not_used_when_switched_off(monkeypatch):
    # the shared component with its ``use_ner`` setting off (building a second one costs seconds)
    monkeypatch.setattr(blank_nlp().get_pipe("conflict_entities"), "use_ner", False)
    assert spans_of(extract(PERSON_AND_NEW_GROUP)) == []


@pytest.mark.parametrize(
    "outlet",
    [
        "Al_Jazeera",
        "Reuters",
        "France_24",  # holds a country name: the outlet claims its span
    ],
)
def test_news_outlets_are_not_actors(outlet):
    doc = extract(f"""
    {outlet}             PROPN  nsubj  reported   ent=ORG
    reported=report      VERB   ROOT
    the                  DET    det    news
    news                 NOUN   obj    reported
    .
    """)
    assert actor_ids(doc) == set()


@pytest.mark.parametrize("term", ["PMC", "NGOs", "IED", "Kalashnikov"])
def test_kinds_of_organisation_and_weapons_are_not_actors(term):
    # the NER tags them ORG; they say what something is, not who
    doc = extract(f"""
    the                  DET    det    {term}
    {term}               PROPN  nsubj  arrived   ent=ORG
    arrived=arrive       VERB   ROOT
    .
    """)
    assert actor_ids(doc) == set()


def test_a_description_tagged_org_is_not_an_actor_but_a_new_name_is():
    # names end capitalised; "a Sahelian armed group" describes, "Katiba Serma" names
    doc = extract("""
    a                    DET    det    Sahelian_armed_group
    Sahelian_armed_group NOUN   nsubj  attacked  ent=ORG
    attacked=attack      VERB   ROOT
    Katiba_Serma         PROPN  obj    attacked  ent=ORG
    .
    """)
    assert actor_ids(doc) == {"katiba-serma"}


def test_lone_surname_from_ner_needs_a_full_name_first():
    doc = extract("""
    Diarra       PROPN  nsubj  spoke   ent=PER
    spoke=speak  VERB   ROOT
    .
    """)
    assert actor_ids(doc) == set()
