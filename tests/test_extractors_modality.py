"""``modality_of``: asserted, reported, unconfirmed, denied, hypothetical, from cues around the trigger."""

from __future__ import annotations

import pytest
from extractor_helpers import parse

from extractors.modality import modality_of
from kg.models import Modality


def modality(spec: str, trigger: str) -> Modality:
    doc = parse(spec)
    tok = next(t for t in doc if t.text == trigger)
    return modality_of(tok, tok.sent)


PLAIN = """
JNIM             PROPN  nsubj  attacked
attacked=attack  VERB   ROOT
Gao              PROPN  obj    attacked
.
"""

CASES = [
    pytest.param(PLAIN, Modality.asserted, id="plain"),
    pytest.param("""
    JNIM             PROPN  nsubj   attacked
    reportedly       ADV    advmod  attacked
    attacked=attack  VERB   ROOT
    Gao              PROPN  obj     attacked
    .
    """, Modality.reported, id="reportedly"),
    pytest.param("""
    According=accord VERB   case    residents
    to               ADP    fixed   According
    residents=resident NOUN obl     attacked
    ,
    JNIM             PROPN  nsubj   attacked
    attacked=attack  VERB   ROOT
    Gao              PROPN  obj     attacked
    .
    """, Modality.reported, id="according-to"),
    pytest.param("""
    Officials=official NOUN nsubj   said
    said=say         VERB   ROOT
    JNIM             PROPN  nsubj   attacked
    attacked=attack  VERB   ccomp   said
    Gao              PROPN  obj     attacked
    .
    """, Modality.reported, id="governed-by-a-reporting-verb"),
    pytest.param("""
    JNIM             PROPN  nsubj   attack
    could            AUX    aux     attack
    attack           VERB   ROOT
    Gao              PROPN  obj     attack
    .
    """, Modality.hypothetical, id="could"),
    pytest.param("""
    JNIM             PROPN  nsubj   threatened
    threatened=threaten VERB ROOT
    to               PART   mark    attack
    attack           VERB   xcomp   threatened
    Gao              PROPN  obj     attack
    .
    """, Modality.hypothetical, id="threatened-to"),
    pytest.param("""
    If               SCONJ  mark    attacks
    JNIM             PROPN  nsubj   attacks
    attacks=attack   VERB   advcl   flee
    Gao              PROPN  obj     attacks
    ,
    residents=resident NOUN nsubj   flee
    will             AUX    aux     flee
    flee             VERB   ROOT
    .
    """, Modality.hypothetical, id="if-clause"),
    pytest.param("""
    JNIM             PROPN  nsubj   denied
    denied=deny      VERB   ROOT
    attacking=attack VERB   xcomp   denied
    Gao              PROPN  obj     attacking
    .
    """, Modality.denied, id="denied"),
    pytest.param("""
    The              DET    det     claim
    claim            NOUN   nsubj   requires
    that             SCONJ  mark    attacked
    JNIM             PROPN  nsubj   attacked
    attacked=attack  VERB   acl     claim
    Gao              PROPN  obj     attacked
    requires=require VERB   ROOT
    independent      ADJ    amod    confirmation
    confirmation     NOUN   obj     requires
    .
    """, Modality.unconfirmed, id="requires-independent-confirmation"),
    pytest.param("""
    JNIM             PROPN  nsubj   denied
    reportedly       ADV    advmod  denied
    denied=deny      VERB   ROOT
    attacking=attack VERB   xcomp   denied
    Gao              PROPN  obj     attacking
    .
    """, Modality.denied, id="denial-outranks-report"),
    pytest.param("""
    JNIM             PROPN  nsubj   attack
    could            AUX    aux     attack
    reportedly       ADV    advmod  attack
    attack           VERB   ROOT
    Gao              PROPN  obj     attack
    .
    """, Modality.reported, id="report-outranks-hypothesis"),
]


def attack_word(spec: str) -> str:
    """The trigger of each case: the unit whose lemma is "attack"."""
    return next(w.split("=")[0] for w in spec.split() if w.split("=")[-1] == "attack")


@pytest.mark.parametrize(("spec", "expected"), CASES)
def test_modality(spec, expected):
    assert modality(spec, attack_word(spec)) is expected


def test_a_root_trigger_is_not_its_own_governor():
    # Bug fixed with these tests: the governor chain never stopped at the root
    # (``t.head is t`` is never true for spaCy Tokens), so a root "urged" counted as
    # an intent verb governing itself and every advisory came out hypothetical.
    spec = """
    France           PROPN  nsubj   urged
    urged=urge       VERB   ROOT
    its              PRON   nmod:poss citizens
    citizens=citizen NOUN   obj     urged
    to               PART   mark    leave
    leave            VERB   xcomp   urged
    .
    """
    assert modality(spec, "urged") is Modality.asserted


def test_clearnlp_auxiliary_labels_work_too():
    spec = """
    Gao              PROPN  nsubjpass attacked
    could            AUX    aux      attacked
    be               AUX    auxpass  attacked
    attacked=attack  VERB   ROOT
    by               ADP    agent    attacked
    JNIM             PROPN  pobj     by
    .
    """
    assert modality(spec, "attacked") is Modality.hypothetical
