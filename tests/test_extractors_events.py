"""``conflict_events``: type from the trigger lexicon, arguments from the tree, toll, place, date, modality."""

from __future__ import annotations

import pytest
from extractor_helpers import blank_nlp, extract, parse

from extractors.events import ConflictEvents, fatalities_in, is_boilerplate


def facts(doc) -> list[tuple]:
    """(type, agents, targets, location) of each event, in order."""
    return [(e.type, e.agents, e.targets, e.location) for e in doc._.kg_events]


# ----------------------------------------------------------------------------- arguments

ATTACK_WITH_TOLL = """
JNIM             PROPN  nsubj  attacked
attacked=attack  VERB   ROOT
the              DET    det    Malian_army
Malian_army      PROPN  obj    attacked
in               ADP    case   Boni
Boni             PROPN  obl    attacked
,
killing=kill     VERB   advcl  attacked
four             NUM    nummod soldiers
soldiers=soldier NOUN   obj    killing
and              CCONJ  cc     civilians
two              NUM    nummod civilians
civilians=civilian NOUN conj   soldiers
.
"""


def test_active_attack_agent_target_place_and_toll_with_the_killing_folded_in():
    doc = extract(ATTACK_WITH_TOLL)
    assert facts(doc) == [("attack", ["jnim"], ["mali-armed-forces"], "place-boni")]
    [ev] = doc._.kg_events
    assert (ev.fatalities, ev.modality, ev.trigger) == (6, "asserted", "attacked")
    assert ev.evidence == doc.text and (ev.start, ev.end) == (0, len(doc.text))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param("""
        A                DET    det       convoy
        convoy           NOUN   nsubj:pass ambushed
        was=be           AUX    aux:pass  ambushed
        ambushed=ambush  VERB   ROOT
        by               ADP    case      JNIM
        JNIM             PROPN  obl:agent ambushed
        near             ADP    case      Gao
        Gao              PROPN  obl       ambushed
        .
        """, [("attack", ["jnim"], [], "place-gao")], id="ud-passive-by-agent"),
        pytest.param("""
        Boni             PROPN  nsubj:pass seized
        was=be           AUX    aux:pass  seized
        seized=seize     VERB   ROOT
        by               ADP    case      ISGS
        ISGS             PROPN  obl       seized
        .
        """, [("territory_capture", ["is-sahel"], ["place-boni"], "place-boni")], id="ud-passive-patient-is-target"),
        pytest.param("""
        A                DET    det       base
        base             NOUN   nsubjpass attacked
        was=be           AUX    auxpass   attacked
        attacked=attack  VERB   ROOT
        by               ADP    agent     attacked
        JNIM             PROPN  pobj      by
        in               ADP    prep      attacked
        Timbuktu         PROPN  pobj      in
        .
        """, [("attack", ["jnim"], [], "place-timbuktu")], id="clearnlp-passive-agent"),
        pytest.param("""
        JNIM             PROPN  nsubj     seized
        seized=seize     VERB   ROOT
        Boni             PROPN  dobj      seized
        .
        """, [("territory_capture", ["jnim"], ["place-boni"], "place-boni")], id="clearnlp-dobj"),
        pytest.param("""
        JNIM             PROPN  nsubj     took
        took=take        VERB   ROOT
        control          NOUN   obj       took
        of               ADP    case      Boni
        Boni             PROPN  nmod      control
        .
        """, [("territory_capture", ["jnim"], ["place-boni"], "place-boni")], id="phrase-trigger-take-control"),
        pytest.param("""
        French           ADJ    amod      forces
        forces=force     NOUN   nsubj     killed
        killed=kill      VERB   ROOT
        Adnan_Abu_Walid_al-Sahrawi PROPN obj killed
        .
        """, [("killing", ["french-armed-forces"], ["al-sahrawi"], None)], id="killing-of-a-named-person"),
    ],
)
def test_arguments_from_the_tree(spec, expected):
    assert facts(extract(spec)) == expected


def test_overlapping_phrase_triggers_longest_wins():
    doc = extract("""
    Soldiers=soldier NOUN   nsubj     opened
    opened=open      VERB   ROOT
    fire             NOUN   obj       opened
    on               ADP    case      Wagner
    Wagner           PROPN  obl       opened
    .
    """)
    # one trigger per position: the longest phrase ("open fire") wins over its words ("fire" is no trigger
    # on its own, "open" neither); opening fire on someone is an attack (ACLED: Attack)
    assert [(e.type, e.trigger) for e in doc._.kg_events] == [("attack", "opened fire")]


FALLBACK = """
JNIM             PROPN  nsubj    attacked
attacked=attack  VERB   ccomp    said
a                DET    det      camp
camp             NOUN   obj      attacked
,
Menaka           PROPN  compound officials
officials=official NOUN nsubj    said
said=say         VERB   ROOT
.
"""


def test_place_fallback_takes_the_place_named_in_the_sentence():
    assert facts(extract(FALLBACK)) == [("attack", ["jnim"], [], "place-menaka")]


def test_place_fallback_can_be_switched_off():
    doc = extract(FALLBACK, upto="conflict_dates")
    doc = ConflictEvents(blank_nlp(), place_fallback=False)(doc)
    assert facts(doc) == [("attack", ["jnim"], [], None)]


def test_nobody_named_and_no_dated_place_is_no_event():
    # "Attacks rose across Mali": a generalisation, not an event
    doc = extract("""
    Attacks=attack   NOUN   nsubj  rose    tag=NNS
    rose=rise        VERB   ROOT
    across           ADP    case   Mali
    Mali             PROPN  obl    rose
    .
    """)
    assert facts(doc) == []


# ----------------------------------------------------------------------------- triggers

NAMED_MOVEMENT = """
The              DET    det    Movement
National         PROPN  amod   Movement
Movement         PROPN  nsubj  met
for              ADP    case   Liberation
the              DET    det    Liberation
Liberation       PROPN  nmod   Movement
of               ADP    case   Azawad
Azawad           PROPN  nmod   Liberation
met=meet         VERB   ROOT
in               ADP    case   Kidal
Kidal            PROPN  obl    met
.
"""

LIBERATION_OF_A_TOWN = """
FAMa             PROPN  nsubj  announced
announced=announce VERB ROOT
the              DET    det    liberation
liberation       NOUN   obj    announced
of               ADP    case   Boni
Boni             PROPN  nmod   liberation
.
"""


def test_trigger_word_outside_a_name_triggers():
    assert [e.type for e in extract(LIBERATION_OF_A_TOWN)._.kg_events] == ["territory_capture"]


def test_trigger_word_inside_a_name_does_not():
    doc = extract(NAMED_MOVEMENT)
    assert "mnla" in {s.kb_id_ for s in doc.spans["kg_mentions"]}
    assert facts(doc) == []


def test_operation_in_an_operation_name_is_no_attack():
    doc = extract("""
    France           PROPN  nsubj  launched
    launched=launch  VERB   ROOT
    Operation        PROPN  obj    launched
    Serval           PROPN  flat   Operation
    against          ADP    case   AQIM
    AQIM             PROPN  nmod   Operation
    in               ADP    case   Gao
    Gao              PROPN  obl    launched
    .
    """)
    assert "attack" not in {e.type for e in doc._.kg_events}
    assert [e.type for e in doc._.kg_events] == ["deployment"]


@pytest.mark.parametrize(
    "text",
    [
        "Subscribe to our newsletter for JNIM attacks in Gao.",
        "Click here to read more about the siege.",
        "Download our app for alerts.",
        "Related articles: JNIM attacks Boni",
    ],
)
def test_boilerplate_sentences_are_recognised(text):
    doc = blank_nlp().make_doc(text)
    assert is_boilerplate(doc[:])


def test_ordinary_sentence_is_not_boilerplate():
    assert not is_boilerplate(blank_nlp().make_doc("JNIM attacked a convoy near Gao.")[:])


def test_boilerplate_sentences_yield_nothing():
    doc = extract("""
    Subscribe=subscribe VERB ROOT
    to               ADP    case   newsletter
    our              PRON   nmod:poss newsletter
    newsletter       NOUN   obl    Subscribe
    for              ADP    case   attacks
    JNIM             PROPN  compound attacks
    attacks=attack   NOUN   nmod   newsletter
    in               ADP    case   Gao
    Gao              PROPN  nmod   attacks
    .
    """)
    assert doc._.kg_events == [] and doc._.kg_relations == []


# ----------------------------------------------------------------------------- tolls

TOLLS = [
    pytest.param(ATTACK_WITH_TOLL, 6, id="killing-four-and-two"),
    pytest.param("""
    Twelve=twelve    NUM    nummod   soldiers
    soldiers=soldier NOUN   nsubj:pass killed
    were=be          AUX    aux:pass killed
    killed=kill      VERB   ROOT
    .
    """, 12, id="passive-number-words"),
    pytest.param("""
    The              DET    det      ambush
    ambush           NOUN   nsubj    left
    left=leave       VERB   ROOT
    14               NUM    nummod   dead
    dead             ADJ    obj      left
    .
    """, 14, id="n-dead"),
    pytest.param("""
    Gunmen=gunman    NOUN   nsubj    killed
    killed=kill      VERB   ROOT
    more             ADJ    advmod   150
    than             ADP    fixed    more
    150              NUM    nummod   people
    people=people    NOUN   obj      killed
    .
    """, 150, id="more-than-n"),
    pytest.param("""
    Gunmen=gunman    NOUN   nsubj    burned
    burned=burn      VERB   ROOT
    4                NUM    nummod   trucks
    trucks=truck     NOUN   obj      burned
    .
    """, None, id="no-deaths"),
]


@pytest.mark.parametrize(("spec", "toll"), TOLLS)
def test_fatalities_in(spec, toll):
    doc = parse(spec)
    assert fatalities_in(next(iter(doc.sents))) == toll


def test_killing_alone_is_its_own_event():
    doc = extract("""
    JNIM             PROPN  nsubj  killed
    killed=kill      VERB   ROOT
    two              NUM    nummod soldiers
    soldiers=soldier NOUN   obj    killed
    near             ADP    case   Gao
    Gao              PROPN  obl    killed
    .
    """)
    assert [(e.type, e.agents, e.location, e.fatalities) for e in doc._.kg_events] == [
        ("killing", ["jnim"], "place-gao", 2)]


# ----------------------------------------------------------------------------- advisories and modality

#: "... urged their citizens to leave Mali.", after a subject that hangs from "urged"
URGED_TO_LEAVE = """\
urged=urge       VERB   ROOT
their            PRON   nmod:poss citizens
citizens=citizen NOUN   obj    urged
to               PART   mark   leave
leave            VERB   xcomp  urged
Mali             PROPN  obj    leave
.
"""

ADVISORY = """
France           PROPN  nsubj  urged
and              CCONJ  cc     Germany
Germany          PROPN  conj   France
""" + URGED_TO_LEAVE


def advisory_agents(doc) -> list[list[str]]:
    return [e.agents for e in doc._.kg_events if e.type == "evacuation_advisory"]


def test_one_evacuation_advisory_per_state():
    doc = extract(ADVISORY)
    advisories = [(e.agents, e.modality) for e in doc._.kg_events if e.type == "evacuation_advisory"]
    assert advisories == [(["france"], "asserted"), (["germany"], "asserted")]


def test_states_urging_citizens_to_leave_do_not_withdraw():
    # object control: in "urged their citizens to leave" the citizens leave, not France
    doc = extract(ADVISORY)
    assert not any(e.type == "withdrawal" and {"france", "germany"} & set(e.agents) for e in doc._.kg_events)


def test_threat_is_a_hypothetical_event():
    doc = extract("""
    JNIM             PROPN  nsubj  threatened
    threatened=threaten VERB ROOT
    to               PART   mark   attack
    attack           VERB   xcomp  threatened
    Bamako           PROPN  obj    attack
    .
    """)
    assert [(e.type, e.agents, e.targets, e.modality) for e in doc._.kg_events] == [
        ("attack", ["jnim"], ["place-bamako"], "hypothetical")]


@pytest.mark.parametrize(
    ("spec", "types"),
    [
        ("""
        AQIM            PROPN  nsubj  expelled
        expelled=expel  VERB   ROOT
        the             DET    det    MNLA
        MNLA            PROPN  obj    expelled
        from            ADP    case   Gao
        Gao             PROPN  obl    expelled
        .
        """, ["territory_capture"]),
        ("""
        Mali            PROPN  nsubj  expelled
        expelled=expel  VERB   ROOT
        French          ADJ    amod   diplomats
        diplomats=diplomat NOUN obj   expelled
        .
        """, ["designation_sanction"]),
    ],
    ids=["expelling-an-armed-group-takes-ground", "expelling-diplomats-is-a-sanction"],
)
def test_expel_is_a_capture_only_when_someone_is_expelled(spec, types):
    assert [e.type for e in extract(spec)._.kg_events] == types


def test_alongside_misread_by_the_parser_still_makes_a_co_agent():
    # the shipped parser tagged "alongside" as a noun; the partner must not become the enemy
    doc = extract("""
    the              DET    det       Malian_army
    Malian_army      PROPN  nsubj     fought
    fought=fight     VERB   ROOT
    alongside        NOUN   compound  Wagner
    Wagner           PROPN  obj       fought
    on               ADP    case      Monday
    Monday           PROPN  obl       fought
    .
    """)
    assert facts(doc) == [("armed_clash", ["mali-armed-forces", "wagner"], [], None)]
    assert [(r.subject, r.predicate, r.object) for r in doc._.kg_relations] == [("mali-armed-forces", "allied_with", "wagner")]


def test_companions_hung_from_the_agent_act_with_it():
    # "X, along with other states like Y and Z, urged...": the companions hang from X, not from the verb
    doc = extract("""
    Niger            PROPN  nsubj  urged
    ,
    along            ADP    case   states
    with             ADP    fixed  along
    other            ADJ    amod   states
    states=state     NOUN   nmod   Niger
    like             ADP    case   Chad
    Chad             PROPN  nmod   states
    and              CCONJ  cc     Togo
    Togo             PROPN  conj   Chad
    ,
    """ + URGED_TO_LEAVE)
    assert advisory_agents(doc) == [["niger"], ["chad"], ["togo"]]


def test_a_place_named_with_the_agent_is_no_companion():
    # "Niger in Niamey urged...": only "along with"-like phrases add agents
    doc = extract("""
    Niger            PROPN  nsubj  urged
    in               ADP    case   Niamey
    Niamey           PROPN  nmod   Niger
    """ + URGED_TO_LEAVE)
    assert advisory_agents(doc) == [["niger"]]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("""
        MINUSMA          PROPN  nmod:poss mission
        's               PART   case   MINUSMA
        mission          NOUN   nsubj  ended
        ended=end        VERB   ROOT
        in               ADP    case   Gao
        Gao              PROPN  obl    ended
        .
        """, [("withdrawal", ["minusma"])]),
        ("""
        Talks=talk       NOUN   nsubj  ended
        with             ADP    case   JNIM
        JNIM             PROPN  nmod   Talks
        ended=end        VERB   ROOT
        in               ADP    case   Gao
        Gao              PROPN  obl    ended
        .
        """, []),
    ],
    ids=["a-mission-that-ends-is-a-withdrawal", "talks-that-end-are-not"],
)
def test_end_without_an_object_reads_its_subject(spec, expected):
    assert [(e.type, e.agents) for e in extract(spec)._.kg_events] == expected


def test_seizing_power_from_someone_makes_them_the_target_of_the_coup():
    doc = extract("""
    Soldiers=soldier NOUN   nsubj  seized
    seized=seize     VERB   ROOT
    power            NOUN   obj    seized
    from             ADP    case   Mohamed_Bazoum
    President        PROPN  compound Mohamed_Bazoum
    Mohamed_Bazoum   PROPN  obl    seized  ent=PER
    in               ADP    case   Niamey
    Niamey           PROPN  obl    seized
    .
    """)
    [ev] = doc._.kg_events
    assert ev.type == "coup" and ev.location == "place-niamey"
    assert len(ev.targets) == 1 and "bazoum" in ev.targets[0]


def test_leaving_from_a_place_is_still_its_location_not_a_target():
    doc = extract("""
    French           ADJ    amod   troops
    troops=troop     NOUN   nsubj  withdrew
    withdrew=withdraw VERB  ROOT
    from             ADP    case   Gao
    Gao              PROPN  obl    withdrew
    .
    """)
    assert [(e.type, e.targets, e.location) for e in doc._.kg_events] == [("withdrawal", [], "place-gao")]


TERMINATED_ACCORD = """
Mali             PROPN  nsubj    terminated
terminated=terminate VERB ROOT
the              DET    det      Accord
2015             NUM    nummod   Accord
Algiers          PROPN  compound Accord
Accord=accord    PROPN  obj      terminated
{when}
.
"""


@pytest.mark.parametrize(
    ("when", "date"),
    [
        ("on ADP case 26_January_2024\n26_January_2024 PROPN obl terminated", "2024-01-26"),
        ("# no other date", None),  # the year in the name is no date of the event
    ],
    ids=["the-date-of-the-act", "only-the-year-of-the-name"],
)
def test_a_year_inside_a_name_does_not_date_the_event(when, date):
    doc = extract(TERMINATED_ACCORD.format(when=when))
    assert [(e.type, e.date) for e in doc._.kg_events] == [("withdrawal", date)]


def test_a_year_before_a_common_noun_still_dates_the_event():
    doc = extract("""
    JNIM             PROPN  nsubj  claimed
    claimed=claim    VERB   ROOT
    the              DET    det    attack
    2019             NUM    nummod attack
    attack           NOUN   obj    claimed
    on               ADP    case   Boulkessi
    Boulkessi        PROPN  nmod   attack
    .
    """)
    assert [(e.type, e.date) for e in doc._.kg_events] == [("attack", "2019")]


@pytest.mark.parametrize(
    ("obj", "types"),
    [
        ("troops=troop NOUN obj reduced", ["withdrawal"]),
        ("tensions=tension NOUN obj reduced", []),
    ],
    ids=["reducing-troops-is-a-withdrawal", "reducing-tensions-is-not"],
)
def test_reduce_is_a_withdrawal_only_of_forces(obj, types):
    doc = extract(f"""
    France           PROPN  nsubj  reduced
    reduced=reduce   VERB   ROOT
    its              PRON   nmod:poss {obj.split()[0].split('=')[0]}
    {obj}
    in               ADP    case   Mali
    Mali             PROPN  obl    reduced
    .
    """)
    assert [e.type for e in doc._.kg_events] == types


IN_AN_ATTACK = """
JNIM             PROPN  nsubj  killed
killed=kill      VERB   ROOT
ten              NUM    nummod soldiers
soldiers=soldier NOUN   obj    killed
in               ADP    case   {noun}
a                DET    det    {noun}
village          NOUN   compound {noun}
{noun}           NOUN   obl    killed
near             ADP    case   Boni
Boni             PROPN  obl    killed
.
"""


def test_an_attack_named_in_a_phrase_of_the_verb_takes_the_verb_s_subject():
    doc = extract(IN_AN_ATTACK.format(noun="attack"))
    assert ("attack", ["jnim"]) in [(e.type, e.agents) for e in doc._.kg_events]


def test_withdrawing_in_protest_is_no_protest_by_the_one_withdrawing():
    doc = extract("""
    Mali             PROPN  nsubj  withdrew
    withdrew=withdraw VERB  ROOT
    from             ADP    case   G5_Sahel
    the              DET    det    G5_Sahel
    G5_Sahel         PROPN  obl    withdrew
    in               ADP    case   protest
    protest          NOUN   obl    withdrew
    .
    """)
    assert "protest" not in [e.type for e in doc._.kg_events]
