"""``conflict_relations``: the recurrent shapes of actor-to-actor statements, stored once each."""

from __future__ import annotations

import pytest
from extractor_helpers import blank_nlp, extract, rel_triples

from extractors.relations import SYMMETRIC, ConflictRelations

RELATIONS = [
    pytest.param("""
    The              DET    det    MUJAO
    al-Qaeda-affiliated ADJ amod   MUJAO
    MUJAO            PROPN  nsubj  grew
    grew=grow        VERB   ROOT
    .
    """, {("mujao", "affiliated_with", "al-qaeda")}, id="hyphen-affiliated"),
    pytest.param("""
    The              DET    det    Wagner
    Kremlin-backed   ADJ    amod   Wagner
    Wagner           PROPN  nsubj  left
    left=leave       VERB   ROOT
    .
    """, {("russia", "supports", "wagner")}, id="hyphen-backed-supporter-first"),
    pytest.param("""
    Ansar_Dine       PROPN  nsubj  merged
    ,
    AQIM             PROPN  conj   Ansar_Dine
    and              CCONJ  cc     al-Mourabitoun
    al-Mourabitoun   PROPN  conj   Ansar_Dine
    merged=merge     VERB   ROOT
    to               PART   mark   form
    form             VERB   xcomp  merged
    JNIM             PROPN  obj    form
    .
    """, {("ansar-dine", "merged_into", "jnim"), ("aqim", "merged_into", "jnim"),
          ("al-mourabitoun", "merged_into", "jnim")}, id="merged-to-form"),
    pytest.param("""
    MUJAO            PROPN  nsubj  split
    split=split      VERB   ROOT
    from             ADP    case   AQIM
    AQIM             PROPN  obl    split
    .
    """, {("mujao", "split_from", "aqim")}, id="split-from"),
    pytest.param("""
    Ansar_Dine       PROPN  nsubj  grew
    ,
    led=lead         VERB   acl    Ansar_Dine
    by               ADP    case   Iyad_Ag_Ghaly
    Iyad_Ag_Ghaly    PROPN  obl:agent led
    ,
    grew=grow        VERB   ROOT
    .
    """, {("iyad-ag-ghaly", "leads", "ansar-dine")}, id="led-by"),
    pytest.param("""
    The              DET    det    alliance
    alliance         NOUN   nsubj  collapsed
    between          ADP    case   MNLA
    the              DET    det    MNLA
    MNLA             PROPN  nmod   alliance
    and              CCONJ  cc     Ansar_Dine
    Ansar_Dine       PROPN  conj   MNLA
    collapsed=collapse VERB ROOT
    .
    """, {("ansar-dine", "allied_with", "mnla")}, id="alliance-between"),
    pytest.param("""
    Wagner           PROPN  nsubj  fought
    fought=fight     VERB   ROOT
    alongside        ADP    case   FAMa
    FAMa             PROPN  obl    fought
    .
    """, {("mali-armed-forces", "allied_with", "wagner")}, id="fought-alongside"),
    pytest.param("""
    Russia           PROPN  nsubj  provided
    provided=provide VERB   ROOT
    military         ADJ    amod   support
    support          NOUN   obj    provided
    to               ADP    case   Mali
    Mali             PROPN  obl    provided
    .
    """, {("russia", "supports", "mali")}, id="provided-support-to"),
    pytest.param("""
    FAMa             PROPN  nsubj  received
    received=receive VERB   ROOT
    training         NOUN   obj    received
    from             ADP    case   Wagner
    Wagner           PROPN  obl    received
    .
    """, {("wagner", "supports", "mali-armed-forces")}, id="received-training-from"),
    pytest.param("""
    Russia           PROPN  nsubj  provided
    provided=provide VERB   ROOT
    support          NOUN   dobj   provided
    to               ADP    prep   provided
    Mali             PROPN  pobj   to
    .
    """, {("russia", "supports", "mali")}, id="clearnlp-prep-pobj"),
    pytest.param("""
    Ansar_Dine       PROPN  nsubjpass founded
    was=be           AUX    auxpass  founded
    founded=found    VERB   ROOT
    by               ADP    agent    founded
    Iyad_Ag_Ghaly    PROPN  pobj     by
    .
    """, {("iyad-ag-ghaly", "leads", "ansar-dine")}, id="clearnlp-founded-by"),
]


@pytest.mark.parametrize(("spec", "expected"), RELATIONS)
def test_relation_shapes(spec, expected):
    assert rel_triples(extract(spec)) == expected


def test_relation_keeps_its_evidence_rule_and_modality():
    doc = extract("""
    MUJAO            PROPN  nsubj  split
    reportedly       ADV    advmod split
    split=split      VERB   ROOT
    from             ADP    case   AQIM
    AQIM             PROPN  obl    split
    .
    """)
    [rel] = doc._.kg_relations
    assert (rel.rule, rel.modality, rel.evidence, rel.sentence) == (
        "split-from", "reported", "MUJAO reportedly split from AQIM.", 0)


MUTUAL_ATTACKS = """
JNIM             PROPN  nsubj  raided
raided=raid      VERB   ROOT
FAMa             PROPN  obj    raided
.

FAMa             PROPN  nsubj  raided
raided=raid      VERB   ROOT
JNIM             PROPN  obj    raided
.
"""


def test_violent_event_makes_the_sides_hostile_and_symmetric_relations_are_stored_once():
    doc = extract(MUTUAL_ATTACKS)
    assert len(doc._.kg_events) == 2
    assert rel_triples(doc) == {("jnim", "hostile_to", "mali-armed-forces")}
    assert {r.rule for r in doc._.kg_relations} == {"violent-event"}


def test_hostility_from_events_can_be_switched_off():
    doc = extract(MUTUAL_ATTACKS, upto="conflict_events")
    doc = ConflictRelations(blank_nlp(), from_events=False)(doc)
    assert rel_triples(doc) == set()


def test_symmetric_predicates_are_ordered_by_id():
    for spec, _ in ((p.values[0], p.values[1]) for p in RELATIONS):
        for s, p, o in rel_triples(extract(spec)):
            assert p not in SYMMETRIC or s < o


def test_threatened_violence_makes_no_hostility_from_the_event():
    doc = extract("""
    JNIM             PROPN  nsubj  threatened
    threatened=threaten VERB ROOT
    to               PART   mark   raid
    raid             VERB   xcomp  threatened
    FAMa             PROPN  obj    raid
    .
    """)
    assert [e.modality for e in doc._.kg_events] == ["hypothetical"]
    assert rel_triples(doc) == set()


def test_alliance_noun_without_parties_relates_nothing():
    # "alliance" with no "between" and no verb subject pair: nothing to relate
    doc = extract("""
    The              DET    det    alliance
    alliance         NOUN   nsubj  collapsed
    collapsed=collapse VERB ROOT
    in               ADP    case   Gao
    Gao              PROPN  obl    collapsed
    .
    """)
    assert rel_triples(doc) == set()


def _successions(spec):
    doc = extract(spec)
    return sorted((r.subject, r.object) for r in doc._.kg_relations if r.predicate == "successor_of")


def test_replaced_with_names_the_successor_not_the_replacer():
    assert _successions("""
    France             PROPN  nsubj  replaced
    replaced=replace   VERB   ROOT
    Operation_Serval   PROPN  obj    replaced
    with               ADP    case   Operation_Barkhane
    Operation_Barkhane PROPN  nmod   Operation_Serval
    .
    """) == [("operation-barkhane", "operation-serval")]


def test_relative_pronoun_takes_the_name_right_before_it():
    # the parser hung "that replaced Wagner" on "army"; the antecedent is still the Africa Corps
    assert _successions("""
    the                DET    det    army
    army               NOUN   nsubj  escorted
    ,
    backed=back        VERB   acl    army
    by                 ADP    case   Africa_Corps
    the                DET    det    Africa_Corps
    Africa_Corps       PROPN  obl    backed
    that               PRON   nsubj  replaced
    replaced=replace   VERB   acl:relcl army
    Wagner             PROPN  obj    replaced
    escorted=escort    VERB   ROOT
    convoys=convoy     NOUN   obj    escorted
    .
    """) == [("africa-corps", "wagner")]


def test_partner_phrase_keeps_its_opponent_out():
    # "fought alongside MNLA against FAMa": MNLA is the partner, FAMa the opponent
    doc = extract("""
    JNIM               PROPN  nsubj  fought
    fought=fight       VERB   ROOT
    alongside          ADP    advmod fought
    MNLA               PROPN  obj    fought
    against            ADP    case   FAMa
    FAMa               PROPN  nmod   MNLA
    .
    """)
    triples = rel_triples(doc)
    assert ("jnim", "allied_with", "mnla") in triples
    assert ("jnim", "hostile_to", "mali-armed-forces") in triples
    assert not any(p == "allied_with" and "mali-armed-forces" in (s, o) for s, p, o in triples)


def test_place_modifier_of_a_subject_is_not_an_actor():
    # "Militants in Niger began an offensive against FAMa": Niger is where, not who
    doc = extract("""
    Militants=militant NOUN   nsubj  began
    in                 ADP    case   Niger
    Niger              PROPN  nmod   Militants
    began=begin        VERB   ROOT
    an                 DET    det    offensive
    offensive          NOUN   obj    began
    against            ADP    case   FAMa
    FAMa               PROPN  nmod   offensive
    .
    """)
    assert not any(s == "niger" or o == "niger" for s, _, o in rel_triples(doc))


def test_a_state_and_its_own_army_are_one_side():
    # the parser may hand the state a clause of its army: no "Mali supports/hostile_to FAMa"
    doc = extract("""
    Mali               PROPN  nsubj  backed
    backed=back        VERB   ROOT
    FAMa               PROPN  obj    backed
    against            ADP    case   JNIM
    JNIM               PROPN  obl    backed
    .
    """)
    triples = rel_triples(doc)
    assert not any({s, o} == {"mali", "mali-armed-forces"} for s, _, o in triples)
    assert ("jnim", "hostile_to", "mali") in triples


def _people_relations(doc):
    reg = doc._.kg_entities
    return {(reg[s].name, p, o) for s, p, o in rel_triples(doc) if reg[s].type == "Person"}


def test_demonym_title_makes_the_person_lead_the_state():
    # "Senegalese President P": the demonym names the State when the document has it as an actor
    doc = extract("""
    Senegal            PROPN  nsubj  closed
    closed=close       VERB   ROOT
    its                PRON   nmod:poss border
    border             NOUN   obj    closed
    .

    Senegalese         ADJ    amod   President
    President          PROPN  nmod:desc Ousmane_Kane
    Ousmane_Kane       PROPN  nsubj  spoke   ent=PER
    spoke=speak        VERB   ROOT
    in                 ADP    case   Dakar
    Dakar              PROPN  obl    spoke
    .
    """)
    assert _people_relations(doc) == {("Ousmane Kane", "leads", "senegal")}


def test_possessive_and_multiword_title_make_a_member():
    doc = extract("""
    Niger              PROPN  nmod:poss Minister
    's                 PART   case   Niger
    Foreign            ADJ    amod   Affairs
    Affairs            PROPN  compound Minister
    Minister           PROPN  nmod:desc Ousmane_Kane
    Ousmane_Kane       PROPN  nsubj  visited   ent=PER
    visited=visit      VERB   ROOT
    Gao                PROPN  obj    visited
    .
    """)
    assert _people_relations(doc) == {("Ousmane Kane", "part_of", "niger")}


def test_apposition_ending_in_a_demonym_title():
    doc = extract("""
    Chad               PROPN  nsubj  denied
    denied=deny        VERB   ROOT
    it                 PRON   obj    denied
    .

    Police             NOUN   nsubj  arrested
    arrested=arrest    VERB   ROOT
    Ousmane_Kane       PROPN  obj    arrested   ent=PER
    ,
    a                  DET    det    official
    Chadian            ADJ    amod   official
    official           NOUN   appos  Ousmane_Kane
    ,
    in                 ADP    case   Gao
    Gao                PROPN  obl    arrested
    .
    """)
    assert _people_relations(doc) == {("Ousmane Kane", "part_of", "chad")}


def test_plural_title_before_a_verb_is_not_the_named_persons():
    # "French soldiers killed JNIM leader P": P leads JNIM and is no French soldier
    doc = extract("""
    France             PROPN  nsubj  confirmed
    confirmed=confirm  VERB   ROOT
    it                 PRON   obj    confirmed
    .

    French             ADJ    amod   soldiers
    soldiers=soldier   NOUN   nsubj  killed
    killed=kill        VERB   ROOT
    JNIM               PROPN  compound leader
    leader             NOUN   compound Ousmane_Kane
    Ousmane_Kane       PROPN  obj    killed   ent=PER
    .
    """)
    assert _people_relations(doc) == {("Ousmane Kane", "leads", "jnim")}


def test_former_leader_and_cofounder_neither_leads_nor_belongs():
    doc = extract("""
    a                  DET    det    leader
    former             ADJ    amod   leader
    leader             NOUN   nsubj  split
    and                CCONJ  cc     co-founder
    co-founder         NOUN   conj   leader
    of                 ADP    case   AQIM
    AQIM               PROPN  nmod   co-founder
    ,
    Ousmane_Kane       PROPN  appos  leader   ent=PER
    ,
    split=split        VERB   ROOT
    from               ADP    case   AQIM#2
    AQIM               PROPN  obl    split
    .
    """)
    assert _people_relations(doc) == {("Ousmane Kane", "split_from", "aqim")}


def test_participle_hung_on_the_verb_takes_the_object_before_it_as_subject():
    # "Reports cite Wagner fighters retreating alongside FAMa": the parser hung the participle on "cite"
    doc = extract("""
    Reports=report     NOUN   nsubj  cite
    cite               VERB   ROOT
    Wagner             PROPN  compound fighters
    fighters=fighter   NOUN   obj    cite
    retreating=retreat VERB   acl    cite
    alongside          ADP    advmod retreating
    FAMa               PROPN  obj    retreating
    .
    """)
    assert rel_triples(doc) == {("mali-armed-forces", "allied_with", "wagner")}


def test_forces_leaving_a_country_are_no_contingent_from_it():
    # "troops from Chad" in a sentence naming one force makes a contingent; "the withdrawal of
    # Russian forces from Mali" does not
    doc = extract("""
    FLA                PROPN  nsubj  demanded
    demanded=demand    VERB   ROOT
    the                DET    det    withdrawal
    withdrawal         NOUN   obj    demanded
    of                 ADP    case   forces
    Russian            ADJ    amod   forces
    forces=force       NOUN   nmod   withdrawal
    from               ADP    case   Mali
    Mali               PROPN  nmod   forces
    .
    """)
    assert not any(p == "part_of" for _, p, _ in rel_triples(doc))


def test_pronoun_subject_of_a_reported_clause_is_the_reporter():
    doc = extract("""
    Russia             PROPN  nsubj  said
    said=say           VERB   ROOT
    it                 PRON   nsubj  arm
    would              AUX    aux    arm
    arm                VERB   ccomp  said
    FAMa               PROPN  obj    arm
    .
    """)
    assert rel_triples(doc) == {("russia", "supports", "mali-armed-forces")}


def test_pronoun_subject_without_a_reporting_clause_relates_nothing():
    doc = extract("""
    It                 PRON   nsubj  backed
    backed=back        VERB   ROOT
    FAMa               PROPN  obj    backed
    .
    """)
    assert rel_triples(doc) == set()


def test_unnamed_apposition_subject_stands_for_the_name():
    # "the Takuba Task Force, a European task force that accompanied FAMa"
    doc = extract("""
    the                DET    det    Takuba_Task_Force
    Takuba_Task_Force  PROPN  ROOT
    ,
    a                  DET    det    force
    European           ADJ    amod   force
    task               NOUN   compound force
    force              NOUN   appos  Takuba_Task_Force
    that               PRON   nsubj  accompanied
    accompanied=accompany VERB acl:relcl force
    FAMa               PROPN  obj    accompanied
    .
    """)
    assert rel_triples(doc) == {("takuba", "supports", "mali-armed-forces")}


def test_apposition_fallback_needs_an_apposition():
    # an unnamed subject that is no apposition stays unnamed
    doc = extract("""
    a                  DET    det    force
    European           ADJ    amod   force
    force              NOUN   nsubj  accompanied
    accompanied=accompany VERB ROOT
    FAMa               PROPN  obj    accompanied
    .
    """)
    assert rel_triples(doc) == set()
