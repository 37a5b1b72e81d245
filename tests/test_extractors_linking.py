"""``conflict_linker``: acronym definitions, surnames, generic phrases, "the group", bracketed names."""

from __future__ import annotations

import pytest
from extractor_helpers import actor_ids, extract, spans_of

from extractors.common import ACTOR, entities, mentions
from extractors.linking import initials_fit


@pytest.mark.parametrize(
    ("acronym", "long_form", "fits"),
    [
        ("FDW", "Front for Dunes and Wells", True),
        ("FLA", "Front de Libération de l'Azawad", True),
        ("MSA", "Movement for the Salvation of Azawad", True),
        ("XQ", "Sahel Youth Forum", False),
        ("A", "Alliance", False),  # one capital is no acronym
    ],
)
def test_initials_fit(acronym, long_form, fits):
    assert initials_fit(acronym, long_form) is fits


# ----------------------------------------------------------------------------- acronym definitions


def test_acronym_defined_after_a_known_name_takes_its_entity_and_later_uses_follow():
    doc = extract("""
    Fighters=fighter   NOUN   nsubj  joined
    of                 ADP    case   Azawad_Liberation_Front
    the                DET    det    Azawad_Liberation_Front
    Azawad_Liberation_Front PROPN nmod Fighters
    (                  PUNCT  punct  ALF
    ALF                PROPN  appos  Azawad_Liberation_Front
    )                  PUNCT  punct  ALF
    joined=join        VERB   ROOT
    talks=talk         NOUN   obj    joined
    .

    ALF                PROPN  nsubj  left
    later              ADV    advmod left
    left=leave         VERB   ROOT
    .
    """)
    assert [(t, i) for t, _, i in spans_of(doc, ACTOR)] == [
        ("Azawad Liberation Front", "fla"), ("ALF", "fla"), ("ALF", "fla")]
    assert "ALF" in entities(doc)["fla"].aliases


NEW_FRONT = """
The                 DET    det    Front_for_Dunes_and_Wells
Front_for_Dunes_and_Wells PROPN nsubj attacked
(                   PUNCT  punct  FDW
FDW                 PROPN  appos  Front_for_Dunes_and_Wells
)                   PUNCT  punct  FDW
attacked=attack     VERB   ROOT
Gao                 PROPN  obj    attacked
.

FDW                 PROPN  nsubj  withdrew
withdrew=withdraw   VERB   ROOT
.
"""


def test_unknown_acronym_definition_makes_one_new_actor_with_both_names():
    doc = extract(NEW_FRONT)
    ent = entities(doc)["front-for-dunes-and-wells"]
    assert (ent.name, ent.type, ent.source) == ("Front for Dunes and Wells", "ArmedGroup", "acronym")
    assert ent.aliases == {"Front for Dunes and Wells", "FDW"}
    assert [(t, i) for t, _, i in spans_of(doc, ACTOR)] == [
        ("Front for Dunes and Wells", ent.id), ("FDW", ent.id), ("FDW", ent.id)]


def test_unknown_long_form_holding_a_place_name_still_defines_its_acronym():
    doc = extract("""
    The                 DET    det    Front_for_Peace_in_the_Sahel
    Front_for_Peace_in_the_Sahel PROPN nsubj attacked
    (                   PUNCT  punct  FPS
    FPS                 PROPN  appos  Front_for_Peace_in_the_Sahel
    )                   PUNCT  punct  FPS
    attacked=attack     VERB   ROOT
    Gao                 PROPN  obj    attacked
    .
    """)
    ent = entities(doc).get("front-for-peace-in-the-sahel")
    assert ent is not None and ent.aliases == {"Front for Peace in the Sahel", "FPS"}


def test_brackets_that_do_not_fit_the_initials_define_nothing():
    doc = extract("""
    The              DET    det    Dune_Riders_Council
    Dune_Riders_Council PROPN nsubj met
    (                PUNCT  punct  XQ
    XQ               PROPN  appos  Dune_Riders_Council
    )                PUNCT  punct  XQ
    met=meet         VERB   ROOT
    .
    """)
    assert actor_ids(doc) == set()


# ----------------------------------------------------------------------------- surnames


def test_surname_after_the_full_name_links_to_the_person():
    doc = extract("""
    Ousmane_Diarra  PROPN  nsubj  spoke   ent=PER
    spoke=speak     VERB   ROOT
    .

    Diarra          PROPN  nsubj  left
    left=leave      VERB   ROOT
    .
    """)
    assert [(t, i) for t, _, i in spans_of(doc, ACTOR)] == [("Ousmane Diarra", "ousmane-diarra"), ("Diarra", "ousmane-diarra")]


def test_surname_before_the_full_name_is_not_linked():
    doc = extract("""
    Diarra          PROPN  nsubj  spoke
    spoke=speak     VERB   ROOT
    .

    Ousmane_Diarra  PROPN  nsubj  left   ent=PER
    left=leave      VERB   ROOT
    .
    """)
    assert [t for t, _, _ in spans_of(doc, ACTOR)] == ["Ousmane Diarra"]


# ----------------------------------------------------------------------------- "the group"

FILLER = """
Rain=rain        NOUN   nsubj  fell
fell=fall        VERB   ROOT
.
"""


def _group_story(antecedents: str, gap: int) -> str:
    return antecedents + FILLER * gap + """
The              DET    det    group
group            NOUN   nsubj  attacked
attacked=attack  VERB   ROOT
Mopti            PROPN  obj    attacked
.
"""


ISGS_THEN_JNIM = """
ISGS             PROPN  nsubj  struck
struck=strike    VERB   ROOT
Menaka           PROPN  obj    struck
.

JNIM             PROPN  nsubj  regrouped
regrouped=regroup VERB  ROOT
.
"""

ECOWAS_ONLY = """
ECOWAS           PROPN  nsubj  met
met=meet         VERB   ROOT
.
"""


@pytest.mark.parametrize(
    ("antecedents", "gap", "expected"),
    [
        pytest.param(ISGS_THEN_JNIM, 0, "jnim", id="nearest-armed-group"),
        pytest.param(ISGS_THEN_JNIM, 1, "jnim", id="two-sentences-back"),
        pytest.param(ISGS_THEN_JNIM, 2, None, id="too-far-back"),
        pytest.param(ECOWAS_ONLY, 0, None, id="not-an-armed-group"),
    ],
)
def test_the_group_points_at_the_nearest_armed_group_within_two_sentences(antecedents, gap, expected):
    doc = extract(_group_story(antecedents, gap))
    corefs = [s for s in mentions(doc) if s.text == "The group"]
    if expected is None:
        assert corefs == []
    else:
        assert [(s.kb_id_, s._.kg_coref) for s in corefs] == [(expected, True)]
        attack = [e for e in doc._.kg_events if "place-mopti" in e.targets]
        assert [e.agents for e in attack] == [[expected]]


def test_the_group_of_states_is_no_back_reference():
    doc = extract(ISGS_THEN_JNIM + """
    The              DET    det    group
    group            NOUN   nsubj  met
    of               ADP    case   states
    states=state     NOUN   nmod   group
    met=meet         VERB   ROOT
    .
    """)
    assert not any(s.text == "The group" for s in mentions(doc))


# ----------------------------------------------------------------------------- generic phrases

JUNTA = """
The              DET    det    junta
junta            NOUN   nsubj  rejected
rejected=reject  VERB   ROOT
the              DET    det    report
report           NOUN   obj    rejected
.
"""


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param("""
        Troops=troop     NOUN   nsubj  patrolled
        patrolled=patrol VERB   ROOT
        Mali             PROPN  obj    patrolled
        .
        """, "mali", id="mali-story"),
        pytest.param("""
        Curfews=curfew   NOUN   nsubj  hit
        hit=hit          VERB   ROOT
        Ouagadougou      PROPN  obj    hit
        and              CCONJ  cc     Kaya
        Kaya             PROPN  conj   Ouagadougou
        .
        """, "burkina-faso", id="burkina-story"),
        pytest.param("", None, id="no-country-named"),
    ],
)
def test_the_junta_is_the_dominant_country(context, expected):
    doc = extract(context + JUNTA)
    junta = [s.kb_id_ for s in mentions(doc) if s.text == "The junta"]
    assert junta == ([expected] if expected else [])


# ----------------------------------------------------------------------------- bracketed proper names


@pytest.mark.parametrize(
    ("descr", "lemma", "dropped"),
    [
        pytest.param("Tuareg_separatist_groups", "group", None, id="gazetteer-description"),
        pytest.param("Separatist_rebels", "rebel", None, id="generic-phrase"),
        pytest.param("Tuareg_rebels", "rebel", "tuareg", id="ethnic-name-plus-rebels"),
    ],
)
def test_description_followed_by_a_bracketed_name_is_that_name(descr, lemma, dropped):
    doc = extract(f"""
    {descr}={lemma}  NOUN   nsubj  attacked
    (                PUNCT  punct  FLA
    FLA              PROPN  appos  {descr}
    )                PUNCT  punct  FLA
    attacked=attack  VERB   ROOT
    Kidal            PROPN  obj    attacked
    .
    """)
    assert actor_ids(doc) == {"fla"}
    assert [e.agents for e in doc._.kg_events] == [["fla"]]
    assert dropped not in actor_ids(doc)  # the ethnic group is no agent
