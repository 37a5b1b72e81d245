"""``conflict_events``: who did what to whom, where and when, from the dependency tree.

Why: an event is only useful to an analyst with its arguments. A trigger word
from the lexicon (``ontology/triggers.yaml``) gives the type; the tree around
it gives the agents (the subject, or the "by" phrase of a passive), the
targets (the object, "on"/"against" phrases, the patient of a passive), the
place ("in"/"at"/"near" phrases, else the most specific place in the
sentence), the date (the nearest date in the sentence, never a guess from
elsewhere), the death toll ("killing 20 people") and the modality (see
``extractors.modality``). Words inside a name ("Operation Serval",
"Macina Liberation Front") are never triggers. Sentences of site chrome
(subscription prompts, menus) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import ontology
from extractors.common import ensure_extensions, entities, mention_index, mentions
from extractors.dates import MONTH_AND_DAY_NAMES
from extractors.modality import modality_of
from extractors.syntax import (
    OBJ,
    agent_phrases,
    is_passive,
    objects,
    phrase_tokens,
    is_partner,
    locative_modifiers,
    preceding_dependents,
    preps,
    resolve_pronoun,
    subjects,
)
from kg.errors import OntologyError

__all__ = ["ExtractedEvent", "ConflictEvents", "make_conflict_events", "fatalities_in", "is_boilerplate"]

VIOLENT = {"attack", "armed_clash", "bombing", "air_strike", "killing", "territory_capture"}
_KILL_LEMMAS = {"kill", "execute", "murder", "slay", "massacre"}
_LOC_PREPS = {"in", "at", "near", "around", "across", "throughout", "outside", "inside", "within", "into", "over",
              "along", "north of", "south of", "east of", "west of", "close to", "in and around", "nearby"}
_COMPANION_PREPS = {"along with", "together with", "alongside", "in concert with"}
_TARGET_PREPS = {"on", "against", "targeting", "onto", "upon"}
#: Verbs whose subject is the agent of the event noun they take: "JNIM *carried out* an attack".
_LIGHT_VERBS = {"carry", "launch", "conduct", "stage", "mount", "claim", "declare", "impose", "perpetrate", "commit",
                "execute", "lead", "begin", "start", "continue", "intensify", "step", "organize", "organise",
                "orchestrate", "plan", "announce", "order", "wage", "initiate", "undertake", "make", "sign", "conclude",
                "reach", "broker", "form", "establish", "complete", "finish", "resume", "escalate", "threaten", "vow",
                "coordinate", "enforce", "maintain", "lift", "end", "issue", "offer", "place", "mastermind", "deploy",
                "pledge", "swear", "take", "seize", "stage", "attempt", "favor", "favour", "propose", "agree"}
#: Types whose target may be a place (a town attacked, besieged or taken); others name places only as locations.
_PLACE_TARGETS = {"attack", "siege_blockade", "territory_capture", "evacuation_advisory", "air_strike", "bombing",
                  "armed_clash", "designation_sanction"}
_ORG_NOUNS = {"group", "alliance", "coalition", "confederation", "movement", "organization", "organisation", "force",
              "militia", "cell", "front", "battalion", "brigade", "party", "council", "committee", "bloc", "union",
              "wing", "branch", "faction", "network", "unit", "task", "mission", "corps", "junta", "government"}
_PLACE_RANK = {"Site": 0, "Settlement": 1, "Region": 2, "Country": 3}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12,
}
_VICTIM_NOUNS = {"people", "person", "civilian", "soldier", "troop", "fighter", "militant", "villager", "man", "woman",
                 "child", "peacekeeper", "officer", "member", "body", "dead", "victim", "jihadist", "insurgent",
                 "worker", "resident", "tourist", "national", "student", "hostage", "gendarme", "policeman",
                 "personnel", "guard", "herder", "farmer", "trader", "passenger", "rebel", "mercenary"}
_BOILERPLATE = re.compile(
    r"\b(subscribe|sign up|newsletter|cookie|click here|read more|related (content|articles|stories)|all rights reserved|"
    r"advertisement|follow us|share this|log ?in|track this|in real time|terms of (use|service)|privacy policy|"
    r"download (our|the) app|updated daily|see every trend)\b",
    re.IGNORECASE,
)


def is_boilerplate(sent: Span) -> bool:
    """Site chrome: subscription prompts, menus, sharing links, app promotion."""
    return bool(_BOILERPLATE.search(sent.text))


@dataclass
class ExtractedEvent:
    """One event as found in a document (ids point into ``doc._.kg_entities``).

    Attributes:
        type (str): EventType value.
        agents (list[str]), targets (list[str]): entity ids.
        location (str | None): place id.
        date (str | None): ISO date at the written precision.
        fatalities (int | None): stated death toll.
        modality (str): Modality value.
        sentence (int): sentence index; start/end: character offsets of the evidence.
        evidence (str): the sentence.
        trigger (str): the trigger as written.
    """

    type: str
    agents: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    location: str | None = None
    date: str | None = None
    fatalities: int | None = None
    modality: str = "asserted"
    sentence: int = 0
    start: int = 0
    end: int = 0
    evidence: str = ""
    trigger: str = ""


@dataclass(frozen=True)
class _Trigger:
    type: str
    token: Token  # the head word
    end: int  # one past the last token of a multi-word trigger
    kind: str  # verb | noun | phrase
    needs: dict
    start: int = -1  # first token of a multi-word trigger (-1: the head)

    @property
    def first(self) -> int:
        return self.token.i if self.start < 0 else self.start


def _number(tok: Token) -> int | None:
    text = tok.text.replace(",", "")
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(tok.lower_)


def fatalities_in(sent: Span) -> int | None:
    """A death toll the sentence states: "killing 20 people", "four U.S. and four Nigerien soldiers" (8), "14 dead"."""
    total = 0
    found = False
    for tok in sent:
        lem = tok.lemma_.casefold()
        if lem in _KILL_LEMMAS | {"die"} and tok.pos_ in ("VERB", "AUX"):
            heads = objects(tok) if not is_passive(tok) else [c for c in tok.children if c.dep_ in ("nsubjpass", "nsubj:pass")]
            if tok.dep_ in ("acl", "amod") and tok.head.pos_ in ("NOUN", "PROPN"):
                heads = heads or [tok.head]  # "20 people killed"
            if lem == "die":
                heads = [c for c in tok.children if c.dep_ in ("nsubj",)]
            nums = []
            for h in heads:
                for x in [h, *h.conjuncts]:
                    n = next((_number(c) for c in x.children if c.dep_ in ("nummod", "quantmod", "nmod") and _number(c)), None)
                    if n is None and _number(x) and x.dep_ != "nummod":
                        n = _number(x)
                    if n is not None:
                        nums.append(n)
            if nums:
                total += sum(nums)
                found = True
        elif lem in ("dead", "death", "fatality", "casualty", "body") and tok.i > sent.start:
            prev = [t for t in sent[max(0, tok.i - sent.start - 3): tok.i - sent.start]]
            n = next((_number(t) for t in reversed(prev) if _number(t)), None)
            if n is not None and not found:
                total += n
                found = True
    if not found:
        # "killed more than 150 people", "killing approximately 50": number in a small window after the verb
        for tok in sent:
            if tok.lemma_.casefold() in _KILL_LEMMAS and tok.pos_ in ("VERB", "AUX"):
                window = sent[tok.i - sent.start + 1: tok.i - sent.start + 6]
                for j, t in enumerate(window):
                    n = _number(t)
                    if n is not None and any(w.lemma_.casefold() in _VICTIM_NOUNS for w in window[j + 1: j + 4]):
                        return n
    return total if found else None


class ConflictEvents:
    """Writes ``doc._.kg_events``: a list of ``ExtractedEvent`` (see module docstring)."""

    def __init__(self, nlp: Language, name: str = "conflict_events", *, triggers_path: str | None = None,
                 place_fallback: bool = True) -> None:
        ensure_extensions()
        self.name = name
        self.place_fallback = place_fallback
        path = triggers_path or ontology.path("triggers.yaml")
        try:
            with open(path, encoding="utf-8") as fh:
                lexicon = yaml.safe_load(fh)
        except (OSError, yaml.YAMLError) as exc:
            raise OntologyError(f"{path}: cannot read the trigger lexicon: {exc}") from exc
        self.verbs: dict[str, list[tuple[str, dict]]] = {}
        self.nouns: dict[str, list[tuple[str, dict]]] = {}
        self.phrases: list[tuple[tuple[str, ...], str, dict]] = []
        for etype, spec in lexicon.items():
            needs = spec.get("needs") or {}
            for lem in spec.get("verbs") or []:
                self.verbs.setdefault(lem, []).append((etype, needs.get(lem, {})))
            for lem in spec.get("nouns") or []:
                self.nouns.setdefault(lem, []).append((etype, needs.get(lem, {})))
            for phrase in spec.get("phrases") or []:
                self.phrases.append((tuple(phrase.split()), etype, needs.get(phrase, {})))
        self.phrases.sort(key=lambda p: -len(p[0]))

    # -- triggers ------------------------------------------------------------

    def _triggers(self, sent: Span, in_name: set[int]) -> list[_Trigger]:
        out: list[_Trigger] = []
        used: set[int] = set()
        toks = list(sent)
        lemmas = [t.lemma_.casefold() for t in toks]
        for i, tok in enumerate(toks):
            if tok.i in in_name or tok.i in used:
                continue
            for words, etype, needs in self.phrases:
                n = len(words)
                if tuple(lemmas[i:i + n]) == words or tuple(t.lower_ for t in toks[i:i + n]) == words:
                    if any(t.i in in_name for t in toks[i:i + n]):
                        continue
                    # anchor on the phrase's syntactic head: "aerial *strikes*", but "*opened* fire"
                    head = sent.doc[tok.i: tok.i + n].root
                    out.append(_Trigger(etype, head, tok.i + n, "phrase", needs, tok.i))
                    used.update(range(tok.i, tok.i + n))
                    break  # the longest phrase starting here wins
        for tok in toks:
            if tok.i in in_name or tok.i in used:
                continue
            lem = tok.lemma_.casefold()
            if tok.pos_ == "VERB":
                table = self.verbs
            elif tok.pos_ in ("NOUN", "PROPN") and not tok.text.isupper():
                table = self.nouns
            else:
                continue
            for etype, needs in table.get(lem, table.get(tok.lower_, [])):
                out.append(_Trigger(etype, tok, tok.i + 1, "verb" if table is self.verbs else "noun", needs))
        return out

    # -- constraints ----------------------------------------------------------

    @staticmethod
    def _modifiers(tok: Token) -> set[str]:
        mods = {c.lemma_.casefold() for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "nummod", "advmod", "npadvmod", "poss", "nmod:poss", "obl")}
        mods |= {c.lower_ for c in tok.children}
        start = max(tok.sent.start, tok.i - 3)
        mods |= {t.lemma_.casefold() for t in tok.doc[start:tok.i]} | {t.lower_ for t in tok.doc[start:tok.i]}
        return mods

    def _object_tokens(self, trig: _Trigger) -> list[Token]:
        tok = trig.token
        heads = list(objects(tok))
        if trig.kind == "phrase":
            for t in tok.doc[trig.first: trig.end]:
                heads += [x for _, x in preps(t)]
        if trig.kind == "noun":
            heads += [x for w, x in preps(tok) if w in ("of", "")]
        return [t for h in heads for t in phrase_tokens(h)]

    def _ok(self, doc: Doc, trig: _Trigger, actor_at: dict[int, list[Span]]) -> bool:
        needs, tok = trig.needs, trig.token
        if not needs:
            return True
        mods = self._modifiers(tok)
        if "modifier" in needs and not mods & set(needs["modifier"]):
            return False
        if "not_modifier" in needs and mods & set(needs["not_modifier"]):
            return False
        obj = self._object_tokens(trig)
        obj_lemmas = {t.lemma_.casefold() for t in obj} | {t.lower_ for t in obj}
        if "object" in needs and not obj_lemmas & set(needs["object"]):
            # "the operation ended": used without an object, the verb's subject is what ends
            subj = [t for x in subjects(tok) for t in phrase_tokens(x)] if needs.get("or_subject") and not obj else []
            if not {t.lemma_.casefold() for t in subj} & set(needs["object"]):
                return False
        if "not_object" in needs and obj_lemmas & set(needs["not_object"]):
            return False
        if needs.get("object_actor") and not any(t.i in actor_at for t in obj):
            return False
        if needs.get("object_org") and not (
            any(self._is_org(doc, s) for t in obj for s in actor_at.get(t.i, [])) or obj_lemmas & _ORG_NOUNS
        ):
            return False
        if needs.get("modifier_org"):
            of = [t for w, x in preps(tok) if w in ("of", "") for t in phrase_tokens(x)]
            if not (any(self._is_org(doc, s) for t in of for s in actor_at.get(t.i, [])) or {t.lemma_ for t in of} & _ORG_NOUNS):
                return False
        if "clause" in needs:
            sub = {t.lemma_.casefold() for t in tok.subtree} | {t.lower_ for t in tok.subtree}
            if not sub & set(needs["clause"]):
                return False
        if needs.get("subject_force"):
            subj = [t for s in subjects(tok) for t in phrase_tokens(s)]
            if not any(t.i in actor_at for t in subj):
                return False
        if needs.get("passive") and not is_passive(tok):
            return False
        return True

    @staticmethod
    def _is_org(doc: Doc, span: Span) -> bool:
        ent = entities(doc).get(span.kb_id_)
        return ent is not None and ent.type != "Person"

    # -- arguments ------------------------------------------------------------

    def _arguments(self, trig: _Trigger) -> tuple[list[Token], list[Token], list[Token]]:
        """Token groups for agents, targets and location."""
        tok = trig.token
        agents: list[Token] = []
        targets: list[Token] = []
        locs: list[Token] = []
        heads = [tok] if trig.kind != "phrase" else list(tok.doc[trig.first: trig.end])
        if trig.kind in ("verb", "phrase") and tok.pos_ in ("VERB", "AUX"):
            if is_passive(tok):
                agents += agent_phrases(tok)
                targets += objects(tok)
                if not targets:
                    # the parse lost the patient: the name right before the auxiliary or right after the verb
                    aux = [c for c in tok.children if c.dep_ in ("aux:pass", "auxpass")]
                    before = tok.doc[aux[0].i - 1] if aux and aux[0].i > tok.sent.start else None
                    after = tok.doc[tok.i + 1] if tok.i + 1 < tok.sent.end else None
                    targets += [t for t in (before, after) if t is not None and t.pos_ in ("PROPN", "NOUN")]
            else:
                agents += subjects(tok) or ([] if tok.dep_ in ("xcomp", "acl", "relcl", "acl:relcl") else preceding_dependents(tok))
                for o in objects(tok):
                    # "fighting alongside Wagner mercenaries" even when the parser misreads "alongside"
                    (agents if is_partner(tok, o) else targets).append(o)
            if trig.type == "evacuation_advisory":
                # "urged its citizens to leave Bamako": the place to leave is the target and the place
                for c in tok.subtree:
                    if c.pos_ == "VERB" and c.lemma_ in ("leave", "evacuate", "depart", "exit", "quit") and c.i != tok.i:
                        targets += [o for o in objects(c)]
                        locs += [o for o in objects(c)] + [x for w, x in preps(c) if w in ("from",) | _LOC_PREPS]
            for h in heads:
                for word, x in preps(h):
                    if word in ("alongside", "together with"):
                        agents.append(x)  # "fought alongside French forces": a co-agent, not the enemy
                        continue
                    if _is_date_phrase(x):
                        continue  # "on 14 November": a date, not a target or a place
                    if word in _TARGET_PREPS or (word == "of" and trig.kind == "phrase") or (word == "from" and trig.type == "coup"):
                        targets.append(x)  # "seized power from President X": the one overthrown
                    elif word in _LOC_PREPS or (word == "from" and trig.type == "withdrawal") or (word == "to" and trig.type in ("deployment", "withdrawal")):
                        locs.append(x)
                    elif word == "by" and not agents:
                        agents.append(x)
        else:
            for c in tok.children:
                if c.dep_ in ("poss", "nmod:poss", "compound", "amod"):
                    agents.append(c)
            for word, x in preps(tok):
                if word == "by":
                    agents.append(x)
                elif word in _TARGET_PREPS:
                    targets.append(x)
                elif word in ("of", ""):
                    (agents if trig.type in ("withdrawal", "deployment") else targets).append(x)
                elif word in _LOC_PREPS or (word == "from" and trig.type == "withdrawal"):
                    locs.append(x)
            # "took part in counter-operations, including drone strikes": climb the list to the governed noun
            noun = tok
            for _ in range(3):
                if noun.dep_ in ("nmod", "conj", "appos") and noun.head.pos_ in ("NOUN", "PROPN") and noun.head.i != noun.i:
                    noun = noun.head
                else:
                    break
            head = noun.head
            if noun.dep_ in OBJ | {"obl", "nmod"} and head.pos_ in ("VERB", "AUX") and head.lemma_.casefold() in _LIGHT_VERBS:
                agents += subjects(head) if not is_passive(head) else agent_phrases(head)
                for word, x in preps(head):
                    if word in _LOC_PREPS:
                        locs.append(x)
                    elif word in _TARGET_PREPS:
                        targets.append(x)
            elif trig.type != "protest" and (noun is tok and tok.dep_ in ("pobj", "obl") and head.pos_ == "VERB" and not is_passive(head)
                  and any(c.dep_ == "case" and c.lower_ in ("in", "during") for c in tok.children)
                  or tok.dep_ == "pobj" and head.lower_ in ("in", "during") and head.head.pos_ == "VERB"):
                # "killed 37 civilians in a village attack": the verb's subject and object take part
                # ("withdrew in protest" is a motive, not a protest by the one withdrawing)
                verb = head if tok.dep_ == "obl" else head.head
                if not is_passive(verb):
                    agents += subjects(verb)
                    targets += objects(verb)
            elif tok.dep_ in ("pobj", "obl", "nmod") and head.lemma_ in ("responsibility", "credit"):
                claim = head.head if head.dep_ in OBJ else head
                agents += subjects(claim)
        # "Niger, along with states such as Chad, urged...": an agent's companions act
        # with it (the parse hangs them from the agent, not from the verb)
        agents += [x for a in agents for word, x in preps(a) if word in _COMPANION_PREPS]
        return agents, targets, locs

    def _event(self, doc: Doc, sent: Span, k: int, trig: _Trigger, actor_at, place_at) -> ExtractedEvent | None:
        agent_toks, target_toks, loc_toks = self._arguments(trig)

        def pick(toks: list[Token], table) -> list[Span]:
            """Mentions in each phrase; when the phrase head is itself a name, that name only
            ("AQIM leader Droukdel" is Droukdel, not AQIM)."""
            out, seen = [], set()
            for h in toks:
                h = resolve_pronoun(h) or h
                for x in [h, *[c for c in h.conjuncts if c.i > h.i]]:
                    own = table.get(x.i, [])
                    cands = own if own else [s for t in phrase_tokens(x, locatives=False) for s in table.get(t.i, []) if s.start == t.i]
                    for s in cands:
                        if s.kb_id_ not in seen:
                            seen.add(s.kb_id_)
                            out.append(s)
            return out

        agents = pick(agent_toks, actor_at)
        target_actors = pick(target_toks, actor_at)
        target_places = pick(target_toks, place_at)
        if trig.type in ("withdrawal", "deployment"):
            # "left Mali", "deployed to Gao": the place moved from or to, not a target
            place_ranges = {(p.start, p.end): p for p in target_places}
            moved = [place_ranges[(a.start, a.end)] for a in target_actors if (a.start, a.end) in place_ranges]
            target_actors = [a for a in target_actors if (a.start, a.end) not in place_ranges]
            if trig.type != "evacuation_advisory":
                loc_toks = loc_toks + [doc[p.start] for p in moved]
                target_places = [p for p in target_places if p not in moved]
        # a country named as target: the actor reading for violence against it, else the place
        target_ids = [s.kb_id_ for s in target_actors]
        covered = {(s.start, s.end) for s in target_actors}
        if trig.type in _PLACE_TARGETS:
            target_ids += [s.kb_id_ for s in target_places if (s.start, s.end) not in covered or trig.type in ("siege_blockade", "territory_capture", "evacuation_advisory")]
        loc_spans = [s for s in pick(loc_toks, place_at)]
        location = self._best_place(doc, loc_spans)
        if location is None and target_places:
            location = self._best_place(doc, target_places)
        if location is None:
            # "an attack on an army post in central Mali": the argument's own place is the event's
            inner = [t for h in target_toks + agent_toks for t in locative_modifiers(resolve_pronoun(h) or h)]
            location = self._best_place(doc, pick(inner, place_at))
        explicit_place = location is not None
        if location is None and self.place_fallback:
            others = [s for s in _place_at_values(place_at, sent) if not any(a.start <= s.start < a.end for a in agents)]
            clause = _clause_tokens(trig.token)
            in_clause = [s for s in others if s.start in clause]
            location = self._best_place(doc, in_clause or others, near=trig.token.i)
        alongside = {x.i for h in [trig.token] for w, x in preps(h) if w in ("alongside", "together with")}
        target_ids = [t for t in target_ids if not any(s.kb_id_ == t and s.start in alongside for s in target_actors)]
        agent_ids = [s.kb_id_ for s in agents if s.kb_id_ not in target_ids]
        if trig.needs.get("target_person") and not any(entities(doc)[t].type == "Person" for t in target_ids if t in entities(doc)):
            return None
        if trig.needs.get("not_target_person") and any(entities(doc)[t].type == "Person" for t in target_ids if t in entities(doc)):
            return None
        if not (agent_ids or target_ids or location):
            return None
        date = self._date(doc, sent, trig.token)
        if not agent_ids and not target_ids:
            # Nobody named: a report of "attacks across the country" is a generalisation, not an event;
            # one at a place its own words name is, when dated or when the place is a town or site
            # ("fighting in Gao on 3 May", "a withdrawal from Kidal").
            if trig.kind == "noun" and trig.token.tag_ in ("NNS", "NNPS"):
                return None
            specific = explicit_place and entities(doc).get(location) is not None and entities(doc)[location].type in ("Settlement", "Site")
            if not (explicit_place and (date or specific)):
                return None
        ev = ExtractedEvent(
            type=trig.type,
            agents=agent_ids,
            targets=[t for t in dict.fromkeys(target_ids)],
            location=location,
            date=date,
            fatalities=fatalities_in(sent) if trig.type in VIOLENT else None,
            modality=modality_of(trig.token, sent).value,
            sentence=k,
            start=sent.start_char,
            end=sent.end_char,
            evidence=sent.text.strip(),
            trigger=doc[trig.first: trig.end].text,
        )
        return ev

    @staticmethod
    def _best_place(doc: Doc, spans: list[Span], near: int | None = None) -> str | None:
        if not spans:
            return None
        reg = entities(doc)

        def rank(s: Span):
            ent = reg.get(s.kb_id_)
            r = _PLACE_RANK.get(ent.type if ent else "", 4)
            return (r, abs(s.start - near) if near is not None else 0)

        return min(spans, key=rank).kb_id_

    @staticmethod
    def _date(doc: Doc, sent: Span, tok: Token) -> str | None:
        dates = [d for d in (doc._.kg_dates or []) if sent.start_char <= d.start_char < sent.end_char
                 and not _names_a_thing(doc, d)]
        if not dates:
            return None
        return min(dates, key=lambda d: abs(d.start_char - tok.idx)).value

    # -- the component ---------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        ensure_extensions()
        actor_at, place_at = mention_index(doc)
        # words inside a name ("Operation Serval") are never triggers; "the group" (coreference) may be
        in_name = {i for s in mentions(doc) if not s._.kg_coref for i in range(s.start, s.end)}
        events: list[ExtractedEvent] = []
        for k, sent in enumerate(doc.sents):
            if is_boilerplate(sent):
                continue
            triggers = [t for t in self._triggers(sent, in_name) if self._ok(doc, t, actor_at)]
            found: list[ExtractedEvent] = []
            for trig in sorted(triggers, key=lambda t: t.type == "killing"):
                ev = self._event(doc, sent, k, trig, actor_at, place_at)
                if ev is None:
                    continue
                if ev.type == "killing" and trig.kind == "verb" and trig.token.lemma_ in _KILL_LEMMAS:
                    violent = any(o.type in VIOLENT - {"killing"} for o in found)
                    named = any(entities(doc)[t].type == "Person" for t in ev.targets if t in entities(doc))
                    if violent and not named:
                        continue  # "an attack that killed 20": the deaths are the attack's toll
                found.append(ev)
            events.extend(_split_advisories(_dedupe(found)))
        doc._.kg_events = _drop_restatements(events)
        return doc


_MONTH_WORDS = MONTH_AND_DAY_NAMES | {"week", "month", "year", "day"}


_DETERMINERS = {"the", "a", "an", "all", "its", "their", "his", "her", "this", "that"}


def _names_a_thing(doc: Doc, date) -> bool:
    """ "the 2015 Algiers Accord": a year inside a name says which thing, not when the event happened."""
    span = doc.char_span(date.start_char, date.end_char, alignment_mode="expand")
    if span is None or span.start == 0 or span.end >= len(doc):
        return False
    before, after = doc[span.start - 1], doc[span.end]
    return (before.lower_ in _DETERMINERS and after.pos_ == "PROPN" and after.text[:1].isupper()
            and after.lower_ not in MONTH_AND_DAY_NAMES)


def _is_date_phrase(tok: Token) -> bool:
    """'14 November 2023', 'Monday', 'the same day': a time, not a participant or a place."""
    return tok.like_num or tok.lower_ in _MONTH_WORDS or any(c.lower_ in _MONTH_WORDS for c in tok.children if c.dep_ != "case")


def _clause_tokens(tok: Token) -> set[int]:
    """Token indices of the clause a trigger sits in (its nearest verb's subtree)."""
    t = tok
    for _ in range(4):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            break
        t = t.head
    return {x.i for x in t.subtree}


def _place_at_values(place_at: dict[int, list[Span]], sent: Span) -> list[Span]:
    seen, out = set(), []
    for i in range(sent.start, sent.end):
        for s in place_at.get(i, []):
            if (s.start, s.kb_id_) not in seen:
                seen.add((s.start, s.kb_id_))
                out.append(s)
    return out


def _drop_restatements(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """The same type with the same agents and targets, at no other place and no other date, is one event told twice."""
    out: list[ExtractedEvent] = []
    for ev in events:
        if not (ev.agents or ev.targets):
            out.append(ev)
            continue
        twin = next((o for o in out if o.type == ev.type and set(o.agents) == set(ev.agents)
                     and set(o.targets) == set(ev.targets)
                     and (o.location is None or ev.location is None or o.location == ev.location)
                     and (o.date is None or ev.date is None or o.date[:len(ev.date)] == ev.date[:len(o.date)])), None)
        if twin is None:
            out.append(ev)
            continue
        twin.location = twin.location or ev.location
        if ev.date and (twin.date is None or len(ev.date) > len(twin.date)):
            twin.date = ev.date
        if twin.fatalities is None:
            twin.fatalities = ev.fatalities
    return out


def _split_advisories(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """An evacuation advisory is each government's own act towards its own nationals: one event per state."""
    out: list[ExtractedEvent] = []
    for ev in events:
        if ev.type == "evacuation_advisory" and len(ev.agents) > 1:
            out.extend(replace(ev, agents=[a]) for a in ev.agents)
        else:
            out.append(ev)
    return out


def _dedupe(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """One event per type and arguments in a sentence; a subset of another's arguments is the same event."""
    out: list[ExtractedEvent] = []
    for ev in events:
        args = set(ev.agents) | set(ev.targets) | ({ev.location} if ev.location else set())
        dup = None
        for o in out:
            oargs = set(o.agents) | set(o.targets) | ({o.location} if o.location else set())
            if o.type == ev.type and (args <= oargs or oargs <= args):
                dup = o
                break
        if dup is None:
            out.append(ev)
        elif len(args) > len(set(dup.agents) | set(dup.targets) | ({dup.location} if dup.location else set())):
            out[out.index(dup)] = ev
    return out


@Language.factory(
    "conflict_events",
    requires=["doc.spans", "token.dep", "token.lemma"],
    assigns=["doc._.kg_events"],
    default_config={"triggers_path": None, "place_fallback": True},
)
def make_conflict_events(nlp: Language, name: str, *, triggers_path: str | None, place_fallback: bool) -> ConflictEvents:
    """Factory: see ``ConflictEvents``."""
    return ConflictEvents(nlp, name, triggers_path=triggers_path, place_fallback=place_fallback)
