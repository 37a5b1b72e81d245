"""``conflict_relations``: actor-to-actor relations stated in the text (FORMAT.md's nine predicates).

Why: alliances, rivalries, affiliations, mergers and leadership are what actor
maps draw, and they are stated in a few recurrent shapes whatever the article:

- modifiers: "the al-Qaeda-affiliated JNIM", "the Kremlin-backed Wagner Group",
  "the pro-government militia";
- appositions and titles: "Abu X, a senior commander of IS Sahel",
  "JNIM's leader, Iyad Ag Ghaly", "French President Emmanuel Macron",
  "AAD, led by Iyad Ag Ghaly";
- verbs: "A, B and C merged to form D", "A split from B", "A replaced B",
  "A absorbed B", "A joined B", "A formed an alliance with B", "A fought
  alongside B", "A provided support to B", "B received training from A";
- nouns: "an alliance/pact/truce between A and B", "a rivalry/war between A and
  B", "an AQIM splinter group", "A's predecessor, B";
- "against": the subject of a clause is hostile to an actor it acts against;
- nested names: "al-Qaeda in the Islamic Maghreb" names al-Qaeda, "U.N. Security
  Council" names the U.N.; the gazetteer says how the two relate;
- events: the agent of an attack, clash or strike is hostile to its target.

Each relation keeps its sentence, offsets and modality.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extractors.common import ACTOR, ensure_extensions, entities, mention_index, mentions
from extractors.events import VIOLENT, is_boilerplate
from extractors.modality import modality_of
from extractors.syntax import is_partner, objects, phrase_tokens, preps, resolve_pronoun, subjects

__all__ = ["ExtractedRelation", "ConflictRelations", "make_conflict_relations"]

SYMMETRIC = {"allied_with", "hostile_to"}
_HYPHEN_PRED = {
    "affiliated": "affiliated_with", "linked": "affiliated_with", "associated": "affiliated_with",
    "inspired": "affiliated_with", "aligned": "allied_with", "allied": "allied_with",
    "backed": "supports", "supported": "supports", "funded": "supports", "sponsored": "supports",
    "trained": "supports", "armed": "supports", "financed": "supports",
}
_SUPPORTER_FIRST = {"supports"}  # "X-backed Y": X supports Y; else Y <pred> X
_LEAD_TITLES = {"leader", "head", "chief", "emir", "founder", "president", "commander", "chairman", "secretary-general",
                "king", "boss", "ruler", "commander-in-chief", "director", "coordinator", "chief-of-staff"}
_MEMBER_TITLES = {"member", "official", "spokesman", "spokesperson", "minister", "representative", "fighter",
                  "militant", "deputy", "envoy", "ambassador", "officer", "lieutenant", "associate", "operative",
                  "co-founder", "cofounder", "recruit", "soldier", "negotiator", "adviser", "advisor", "judge", "agent"}
_TITLE_GLUE = {"'s", "\u2019s", "senior", "top", "military", "chief", "deputy", "spiritual", "political", "new", "interim", "acting", ","}
_ALLY_NOUNS = {"alliance", "pact", "coalition", "partnership", "truce", "ceasefire", "cooperation", "agreement", "accord", "deal"}
_HOSTILE_NOUNS = {"rivalry", "war", "conflict", "clash", "tension", "hostility", "fighting", "confrontation", "feud", "battle", "fight", "contention", "competition"}
_SUPPORT_NOUNS = {"support", "assistance", "aid", "training", "backing", "arm", "weapon", "funding", "fund", "help",
                  "protection", "equipment", "intelligence", "advice", "financing", "supply", "reinforcement"}
_SUPPORT_VERBS = {"support", "back", "fund", "arm", "train", "assist", "protect", "help", "advise", "finance", "equip",
                  "sponsor", "aid", "reinforce", "accompany", "bankroll", "supply"}
_NOT_HOSTILE_VERBS = {"protect", "defend", "warn", "vote", "guard", "help", "support", "assist", "cooperate",
                      "insure", "campaign", "advocate", "testify", "rule", "appeal", "protest", "secure"}
_LEAVING = {"withdraw", "withdrawal", "leave", "pull", "pullout", "expel", "oust", "evacuate", "evacuation", "departure",
            "retreat", "exit", "drive", "remove", "removal", "flee"}
_HOSTILE_VERBS = {"fight", "combat", "attack", "battle", "oppose", "target", "expel", "oust", "ambush", "confront", "clash"}


@dataclass
class ExtractedRelation:
    """One relation as found in a document.

    Attributes:
        subject (str), predicate (str), object (str): entity ids and a Predicate value.
        modality (str): Modality value.
        sentence (int), start (int), end (int): where the evidence is.
        evidence (str): the sentence.
        rule (str): which pattern found it (provenance for debugging and audits).
    """

    subject: str
    predicate: str
    object: str
    modality: str = "asserted"
    sentence: int = 0
    start: int = 0
    end: int = 0
    evidence: str = ""
    rule: str = ""


class ConflictRelations:
    """Writes ``doc._.kg_relations``: a list of ``ExtractedRelation`` (see module docstring)."""

    def __init__(self, nlp: Language, name: str = "conflict_relations", *, from_events: bool = True,
                 nested_names: bool = True) -> None:
        ensure_extensions()
        self.name = name
        self.from_events = from_events
        self.nested_names = nested_names
        from kg.gazetteer import load_gazetteer

        self.gazetteer = load_gazetteer()

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def _actor_index(doc: Doc) -> dict[int, list[Span]]:
        return mention_index(doc)[0]

    @staticmethod
    def _ids(tokens, at) -> list[str]:
        out: list[str] = []
        for t in tokens:
            for s in at.get(t.i, []):
                if s.start == t.i and s.kb_id_ not in out:
                    out.append(s.kb_id_)
        return out

    def _group(self, heads, at) -> list[str]:
        """The actors a phrase names; place modifiers ("groups in Mali") name places, not actors."""
        return self._ids([t for h in heads for t in phrase_tokens(h, locatives=False)], at)

    def _partners(self, heads, at) -> list[str]:
        """A partner phrase's actors without what it is set 'against' ("alongside the rebels against
        the army": the army is the opponent, not a partner)."""
        out = []
        for h in heads:
            drop = {t.i for c in h.subtree if c.lower_ == "against" for t in (c.head.subtree if c.dep_ == "case" else c.subtree)}
            out += [t for t in phrase_tokens(h, locatives=False) if t.i not in drop]
        return self._ids(out, at)

    def _type(self, doc: Doc, ent_id: str) -> str:
        ent = entities(doc).get(ent_id)
        return ent.type if ent else ""

    # -- rules: each yields (subject, predicate, object, anchor token, rule) ------

    def _hyphenated(self, doc, sent, at):
        for tok in sent:
            low = tok.lower_
            if low not in _HYPHEN_PRED or tok.i < 2 or doc[tok.i - 1].text != "-":
                continue
            x = next((s for s in at.get(tok.i - 2, []) if s.end == tok.i - 1), None)
            if x is None:
                continue
            y = next((s for t in doc[tok.i + 1: min(sent.end, tok.i + 8)] for s in at.get(t.i, []) if s.start == t.i), None)
            if y is None:
                continue
            pred = _HYPHEN_PRED[low]
            if pred in _SUPPORTER_FIRST:
                yield x.kb_id_, pred, y.kb_id_, tok, "hyphen"
            else:
                yield y.kb_id_, pred, x.kb_id_, tok, "hyphen"

    def _affiliation_phrases(self, doc, sent, at):
        """'Y, which is affiliated with X', 'Y, a group associated with X', 'ties to X', 'loyal to X'."""
        for tok in sent:
            low = tok.lower_
            if low not in ("affiliated", "associated", "linked", "loyal", "ties", "affiliate", "affiliates", "aligned", "allegiance"):
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < sent.end else None
            if nxt is None or nxt.lower_ not in ("with", "to", "of"):
                if low not in ("affiliate", "affiliates"):
                    continue
            after = [s for t in doc[tok.i + 1: min(sent.end, tok.i + 6)] for s in at.get(t.i, []) if s.start == t.i]
            before = [s for t in doc[sent.start: tok.i] for s in at.get(t.i, []) if s.start == t.i]
            if low in ("affiliate", "affiliates") and not after:
                # "an AQIM affiliate": X right before, Y the appositive head before that
                x = next((s for s in reversed(before) if s.end >= tok.i - 1), None)
                y = next((s for s in reversed(before) if x is not None and s.end <= x.start), None)
                if x is not None and y is not None:
                    yield y.kb_id_, "affiliated_with", x.kb_id_, tok, "affiliate-noun"
                continue
            if not after or not before:
                continue
            x = after[0]
            subj = [s for s in before if s.end >= tok.i - 8 and self._type(doc, s.kb_id_) != "Person"]
            if any(self._type(doc, s.kb_id_) != "Other" for s in subj):
                subj = [s for s in subj if self._type(doc, s.kb_id_) != "Other"]
            if low == "allegiance":
                gov = tok.head
                subj_ids = self._group(subjects(gov), at) if gov.pos_ in ("VERB", "AUX") else []
                for y in subj_ids:
                    yield y, "affiliated_with", x.kb_id_, tok, "allegiance"
                continue
            if not subj:
                continue
            y = subj[-1]
            pred = "allied_with" if low == "aligned" else "affiliated_with"
            yield y.kb_id_, pred, x.kb_id_, tok, "affiliated-with"

    def _titles(self, doc, sent, at):
        """Leaders and members: 'X leader P', "X's leader, P", 'P, a senior commander of X', 'P, leader of X',
        "X's Prime Minister P", 'French President P' and 'P, a Qatari official' (a demonym names its State)."""
        reg = entities(doc)
        for tok in sent:
            low = tok.lower_.rstrip("s") if tok.lower_ not in ("boss",) else tok.lower_
            if low == "general" and self._before(doc, tok, 1, sent) == "secretary":
                low = "secretary-general"  # "Secretary General" / "Secretary-General", not the rank
            if low not in _LEAD_TITLES and low not in _MEMBER_TITLES:
                continue
            if self._former(doc, tok, sent):
                continue  # a former leader neither leads nor belongs any more
            prevs = {t.lower_ for t in doc[max(sent.start, tok.i - 2): tok.i]}
            if low == "founder" and self._before(doc, tok, 1, sent) == "co":
                prevs.add("co-founder")
            if low == "secretary-general":
                prevs |= {t.lower_ for t in doc[max(sent.start, tok.i - 4): tok.i - 1]}
            qualified = bool(prevs & {"a", "an", "regional", "local", "senior", "top", "military", "field", "one", "deputy",
                                      "prominent", "assistant", "co-founder", "vice"})
            is_lead = low in _LEAD_TITLES and not qualified
            pred = "leads" if is_lead else "part_of"
            # person after the title: "X leader P" / "leader of X, P" / "X's leader, P"; or the title is
            # inside the person's name as tagged ("French President Emmanuel Macron")
            inside = next((s for s in at.get(tok.i, []) if reg.get(s.kb_id_) and reg[s.kb_id_].type == "Person"
                           and s.end > tok.i + 1), None)
            after = inside or next((s for t in doc[tok.i + 1: min(sent.end, tok.i + 5)] for s in at.get(t.i, [])
                                    if s.start == t.i and reg.get(s.kb_id_) and reg[s.kb_id_].type == "Person"), None)
            org_before = next((s for t in reversed(doc[max(sent.start, tok.i - 5): tok.i]) for s in at.get(t.i, [])
                               if reg.get(s.kb_id_) and reg[s.kb_id_].type != "Person" and s.end <= tok.i
                               and self._title_words(doc, s.end, tok)), None)
            org_before_id = org_before.kb_id_ if org_before is not None else self._demonym_before(doc, tok, sent, reg)
            org_after = None
            if tok.i + 1 < sent.end and doc[tok.i + 1].lower_ in ("of", "for", "in"):
                org_after = next((s for t in doc[tok.i + 2: min(sent.end, tok.i + 8)] for s in at.get(t.i, [])
                                  if s.start == t.i and reg.get(s.kb_id_) and reg[s.kb_id_].type != "Person"), None)
            person_before = next((s for t in reversed(doc[max(sent.start, tok.i - 6): tok.i]) for s in at.get(t.i, [])
                                  if reg.get(s.kb_id_) and reg[s.kb_id_].type == "Person"
                                  and s.end < tok.i and doc[s.end].text in (",", "\u2014", "-", "(")), None)
            if after is not None and after is not inside and (
                    any(t.pos_ in ("VERB", "AUX") for t in doc[tok.i + 1: after.start])
                    or (tok.lower_ != low and low != "boss" and after.start != tok.i + 1)):
                after = None  # "French soldiers killed AQIM leader P": P is not one of the soldiers
            if after is not None and org_before_id is not None:
                yield after.kb_id_, pred, org_before_id, tok, "title-before-name"
            elif after is not None and org_after is not None and org_after.start < after.start:
                yield after.kb_id_, pred, org_after.kb_id_, tok, "title-of-org-name"
            elif person_before is not None and org_after is not None:
                yield person_before.kb_id_, pred, org_after.kb_id_, tok, "apposition-title-of"
            elif org_after is None and doc[tok.i + 1: tok.i + 2].text in (",", ".", ";", ")", "\u2014", ""):
                # "P, a Qatari official" / "P, the UNHCR Mali representative": an apposition ending in the title
                person = self._appositive_person(doc, tok, sent, at, reg)
                if person is not None:
                    orgs = [s for t in doc[person.end + 1: tok.i] for s in at.get(t.i, [])
                            if s.start == t.i and reg.get(s.kb_id_) and reg[s.kb_id_].type != "Person"]
                    org_id = orgs[0].kb_id_ if orgs else org_before_id
                    if org_id is not None:
                        yield person.kb_id_, pred, org_id, tok, "apposition-title"

    @staticmethod
    def _before(doc, tok, n, sent) -> str:
        """The n-th word before ``tok`` ignoring hyphens, lowercased ('' at the sentence start)."""
        i, seen = tok.i - 1, 0
        while i >= sent.start:
            if doc[i].text != "-":
                seen += 1
                if seen == n:
                    return doc[i].lower_
            i -= 1
        return ""

    @staticmethod
    def _former(doc, tok, sent) -> bool:
        """'former leader', 'the late emir', 'a former leader and co-founder of X'."""
        i = tok.i - 1
        for _ in range(7):
            if i < sent.start:
                return False
            w = doc[i].lower_
            if w in ("former", "ex", "late", "then", "deceased", "erstwhile", "onetime"):
                return True
            w = w.rstrip("s")
            if not (w in ("and", "-", "co", "senior", "top", "military", "chief", "deputy", "political", "spiritual")
                    or w in _LEAD_TITLES or w in _MEMBER_TITLES):
                return False
            i -= 1
        return False

    @staticmethod
    def _title_words(doc, start: int, tok: Token) -> bool:
        """Only title words between a name and its title: "Mali's Foreign Affairs Minister", "JNIM's top leader"."""
        extra = 0
        for t in doc[start: tok.i]:
            if t.lower_ in _TITLE_GLUE:
                continue
            if t.is_alpha and t.dep_ in ("compound", "amod", "nmod:desc", "flat") and start <= t.head.i <= tok.i and t.head.i > t.i:
                extra += 1
                if extra <= 3:
                    continue
            return False
        return True

    def _demonym_before(self, doc, tok, sent, reg) -> str | None:
        """The State a demonym before the title names ("French President", "a Qatari official"), if the
        document has that State as an actor."""
        for t in reversed(doc[max(sent.start, tok.i - 4): tok.i]):
            if t.is_alpha and t.text[:1].isupper() and t.lower_ not in _TITLE_GLUE:
                entry = self.gazetteer.lookup_actor(f"{t.text} government")
                if entry is not None and str(getattr(entry.type, "value", entry.type)) == "State" and entry.id in reg \
                        and self._title_words(doc, t.i + 1, tok):
                    return entry.id
        return None

    @staticmethod
    def _appositive_person(doc, tok, sent, at, reg):
        """'P, a/the ... <title>': the person whose apposition the title ends (no verb or comma between)."""
        for i in range(tok.i - 1, max(sent.start, tok.i - 12) - 1, -1):
            t = doc[i]
            if t.text in (",", "\u2014", "(") and i > sent.start:
                nxt = doc[i + 1] if i + 1 < tok.i else None
                if nxt is None or nxt.lower_ not in ("a", "an", "the"):
                    return None
                return next((s for s in at.get(i - 1, []) if s.end == i and reg.get(s.kb_id_)
                             and reg[s.kb_id_].type == "Person"), None)
            if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound") or t.text in (";", ":", "."):
                return None
        return None

    def _led_by(self, doc, sent, at):
        for tok in sent:
            if tok.lower_ not in ("led", "headed", "commanded", "founded") or tok.i + 1 >= sent.end or doc[tok.i + 1].lower_ != "by":
                continue
            reg = entities(doc)
            p = next((s for t in doc[tok.i + 2: min(sent.end, tok.i + 8)] for s in at.get(t.i, []) if s.start == t.i), None)
            org = next((s for t in reversed(doc[sent.start: tok.i]) for s in at.get(t.i, [])
                        if reg.get(s.kb_id_) and reg[s.kb_id_].type != "Person"), None)
            if p is None or org is None:
                continue
            if reg.get(p.kb_id_) and reg[p.kb_id_].type == "Person":
                yield p.kb_id_, "leads", org.kb_id_, tok, "led-by"
            elif tok.lower_ == "led":
                yield p.kb_id_, "part_of", org.kb_id_, tok, "led-by-state"

    def _verbs(self, doc, sent, at):
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX"):
                continue
            lem = tok.lemma_.casefold()
            heads = self._subject_heads(tok)
            subj = self._group(heads, at)
            if not subj:
                # "the Takuba Task Force, the European task force that advised...": an unnamed
                # apposition stands for the name it describes
                subj = self._group([h.head for h in heads if h.dep_ == "appos"], at)
            objs = self._group(objects(tok), at)
            pp = list(preps(tok))
            if lem == "merge":
                formed = self._formed(tok, at)
                partners = self._group([x for w, x in pp if w == "with"], at)
                members = subj + [p for p in partners if p not in subj]
                if formed:
                    for m in members:
                        yield m, "merged_into", formed, tok, "merged-to-form"
                elif subj and partners:
                    for m in subj:
                        yield m, "merged_into", partners[0], tok, "merged-with"
                into = self._group([x for w, x in pp if w == "into"], at)
                for m in subj:
                    for o in into:
                        yield m, "merged_into", o, tok, "merged-into"
            elif lem in ("absorb", "incorporate"):
                for s in subj:
                    for o in objs:
                        yield o, "part_of", s, tok, "absorbed"
            elif lem == "join" and any(c.dep_ in ("obj", "dobj") for c in tok.children):
                if not any(c.lower_ == "forces" for c in tok.children):
                    for s in subj:
                        for o in objs:
                            if self._type(doc, o) in ("ArmedGroup", "InternationalOrg", "StateForce", "PrivateMilitary"):
                                yield s, "part_of", o, tok, "joined"
            elif lem == "join" and any(c.lower_ == "forces" for c in tok.subtree):
                group = subj + self._group([x for w, x in pp if w == "with"], at)
                for a in group:
                    for b in group:
                        if a < b:
                            yield a, "allied_with", b, tok, "joined-forces"
            if lem in ("split", "break", "splinter", "defect", "secede") and any(w == "from" or w == "away" for w, _ in pp) | any(c.lower_ == "away" for c in tok.children):
                src = self._group([x for w, x in pp if w in ("from", "away from")], at)
                formed = self._formed(tok, at)
                for s in subj:
                    for o in src:
                        yield s, "split_from", o, tok, "split-from"
                    if formed:
                        yield s, "leads", formed, tok, "split-to-form" if self._type(doc, s) == "Person" else None
                if formed:
                    for o in src:
                        yield formed, "split_from", o, tok, "split-to-form"
            if lem in ("replace", "succeed", "supersede"):
                obj_heads = list(objects(tok))
                own_objs = self._ids(obj_heads, at) or objs
                with_ = self._group([x for w, x in pp if w == "with"] + [x for o in obj_heads for w, x in preps(o) if w == "with"], at)
                if with_:
                    # "France replaced Serval with Barkhane": Barkhane succeeds Serval
                    for n in with_:
                        for o in own_objs:
                            if o not in with_:
                                yield n, "successor_of", o, tok, "replaced-with"
                else:
                    subj_ids = list(dict.fromkeys(m.kb_id_ for t in self._successor_subject(tok) for m in at.get(t.i, [])))
                    for s in subj_ids or self._ids(self._successor_subject(tok), at):
                        for o in own_objs:
                            yield s, "successor_of", o, tok, "replaced"
            if lem in ("rename", "rebrand"):
                newname = self._group([x for w, x in pp if w in ("as", "to", "into")], at) + objs
                for o in newname:
                    for s in subj:
                        yield o, "successor_of", s, tok, "renamed"
            if lem in _SUPPORT_VERBS and not any(c.lower_ in ("not", "n't") for c in tok.children):
                for s in subj:
                    for o in objs:
                        yield s, "supports", o, tok, "support-verb"
            obj_pp = [(w, x) for o in objects(tok) for w, x in preps(o)]
            if lem in ("provide", "offer", "give", "extend", "lend", "deliver", "send", "supply", "contribute"):
                if any(t.lemma_.casefold() in _SUPPORT_NOUNS for o in objects(tok) for t in phrase_tokens(o)):
                    to = self._group([x for w, x in pp + obj_pp if w in ("to", "for")], at)
                    for s in subj:
                        for o in to:
                            yield s, "supports", o, tok, "provided-support"
            if lem in ("receive", "get", "obtain", "benefit"):
                if any(t.lemma_.casefold() in _SUPPORT_NOUNS for o in objects(tok) for t in phrase_tokens(o)) or lem == "benefit":
                    frm = self._group([x for w, x in pp + obj_pp if w == "from"], at)
                    for o in frm:
                        for s in subj:
                            yield o, "supports", s, tok, "received-support"
            if lem in ("fight", "battle", "clash") and any(w in ("alongside", "with") for w, _ in pp):
                partner = self._partners([x for w, x in pp if w == "alongside"], at)
                for s in subj:
                    for o in partner:
                        yield s, "allied_with", o, tok, "fought-alongside"
                if lem == "clash":
                    for s in subj:
                        for o in self._group([x for w, x in pp if w == "with"], at):
                            yield s, "hostile_to", o, tok, "clashed-with"
            if any(w == "alongside" for w, _ in pp) and lem not in ("fight",):
                partner = self._partners([x for w, x in pp if w == "alongside"], at)
                for s in subj:
                    for o in partner:
                        yield s, "allied_with", o, tok, "alongside"
            partners = [x for x in objects(tok) if is_partner(tok, x)]
            for s in subj:
                for o in self._partners(partners, at):
                    yield s, "allied_with", o, tok, "alongside"  # the parser made "alongside X" an object
            if lem in _HOSTILE_VERBS and lem != "clash" and not any(w in ("alongside", "with") for w, _ in pp):
                hostile_objs = [x for x in objects(tok) if not is_partner(tok, x)]
                for s in subj:
                    for o in self._group(hostile_objs, at):
                        if self._type(doc, o) not in ("Person",):
                            yield s, "hostile_to", o, tok, "hostile-verb"

    @staticmethod
    def _subject_heads(tok: Token) -> list[Token]:
        """``subjects`` plus a participle the parser hung on the verb instead of the noun right before it
        ("reports cite Russian allies retreating alongside the army": the allies retreat)."""
        heads = [resolve_pronoun(h) or h if h.pos_ == "PRON" else h for h in subjects(tok)]
        if not heads and tok.dep_ == "acl" and tok.head.pos_ in ("VERB", "AUX") and tok.head.i < tok.i:
            heads = [o for o in objects(tok.head) if o.i < tok.i and o.right_edge.i == tok.i - 1]
        return heads

    @staticmethod
    def _successor_subject(tok: Token) -> list[Token]:
        """The verb's own subject, never one borrowed from another clause; for a relative pronoun,
        the name right before it ("the Africa Corps that replaced Wagner")."""
        own = [c for c in tok.children if c.dep_ == "nsubj"]
        if own and all(c.lower_ in ("that", "which", "who") for c in own):
            pron = own[0]
            before = tok.doc[pron.i - 1] if pron.i > tok.sent.start else None
            if before is not None and before.text == ",":
                before = tok.doc[before.i - 1] if before.i > tok.sent.start else None
            return [before] if before is not None else []
        return own

    def _formed(self, tok: Token, at) -> str | None:
        """The organisation formed: 'to form W', 'forming W', 'into W'."""
        for c in tok.children:
            if c.lemma_ in ("form", "create", "establish", "become", "found") and c.dep_ in ("xcomp", "advcl", "conj", "acl"):
                ids = self._group(objects(c), at)
                if ids:
                    return ids[0]
        return None

    def _between(self, doc, sent, at):
        """'an alliance/pact between A and B', 'a rivalry between A and B', 'A and B maintain a rivalry'."""
        for tok in sent:
            lem = tok.lemma_.casefold()
            if lem not in _ALLY_NOUNS and lem not in _HOSTILE_NOUNS:
                continue
            pred = "allied_with" if lem in _ALLY_NOUNS else "hostile_to"
            if lem in ("agreement", "accord", "deal", "ceasefire", "truce") and not any(c.lower_ in ("peace", "non-aggression", "military", "defence", "defense", "security") for c in tok.children) and lem not in ("truce", "ceasefire"):
                continue
            pair: list[str] = []
            if tok.i + 1 < sent.end and doc[tok.i + 1].lower_ in ("between", "betwixt", "among"):
                pair = self._ids(doc[tok.i + 2: min(sent.end, tok.i + 20)], at)
                if len(pair) >= 2 and pred == "hostile_to":
                    pair = pair[:2]
            elif tok.dep_ in ("obj", "dobj") and tok.head.pos_ in ("VERB", "AUX"):
                verb = tok.head
                subj = self._group(subjects(verb), at)
                if len(subj) >= 2:
                    pair = subj
                elif subj:
                    withs = self._group([x for w, x in preps(tok) if w == "with"] + [x for w, x in preps(verb) if w == "with"], at)
                    for a in subj:
                        for b in withs:
                            yield a, pred, b, tok, f"{lem}-with"
                    continue
            for i, a in enumerate(pair):
                for b in pair[i + 1:]:
                    yield a, pred, b, tok, f"{lem}-between"

    def _splinter(self, doc, sent, at):
        """'MUJAO emerged as an AQIM splinter group', 'a breakaway faction of X', "X's predecessor, Y"."""
        for tok in sent:
            low = tok.lower_
            if low in ("splinter", "breakaway", "offshoot", "spin-off", "spinoff"):
                src = next((s for s in at.get(tok.i - 1, []) if s.end == tok.i), None)
                if src is None:
                    nxt = [x for w, x in preps(tok.head if tok.dep_ in ("compound", "amod") else tok) if w == "of"]
                    ids = self._group(nxt, at)
                    src_id = ids[0] if ids else None
                else:
                    src_id = src.kb_id_
                subj = None
                verb = tok.head.head if tok.dep_ in ("compound", "amod") else tok.head
                for v in (verb, tok.head, tok):
                    if v.pos_ in ("VERB", "AUX"):
                        ids = self._group(subjects(v), at)
                        subj = ids[0] if ids else None
                        break
                if subj is None:
                    before = [s for t in doc[sent.start: tok.i - 1] for s in at.get(t.i, []) if s.start == t.i]
                    subj = before[-1].kb_id_ if before else None
                if subj and src_id:
                    yield subj, "split_from", src_id, tok, "splinter"
            if low in ("predecessor", "successor"):
                owner = next((s for s in at.get(tok.i - 2, []) if doc[tok.i - 1].lower_ in ("'s", "’s")), None) if tok.i >= 2 else None
                other = next((s for t in doc[tok.i + 1: min(sent.end, tok.i + 6)] for s in at.get(t.i, []) if s.start == t.i), None)
                if owner is not None and other is not None:
                    if low == "predecessor":
                        yield owner.kb_id_, "successor_of", other.kb_id_, tok, "predecessor"
                    else:
                        yield other.kb_id_, "successor_of", owner.kb_id_, tok, "successor"
            if low in ("formerly", "previously") and tok.i + 2 < sent.end and doc[tok.i + 1].lower_ in ("known", "called", "named"):
                new = next((s for s in reversed(doc[sent.start: tok.i]) for s in at.get(s.i, [])), None)
                old = next((s for t in doc[tok.i + 2: min(sent.end, tok.i + 8)] for s in at.get(t.i, []) if s.start == t.i), None)
                if new is not None and old is not None:
                    yield new.kb_id_, "successor_of", old.kb_id_, tok, "formerly-known-as"
            if low in ("now",) and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ in ("called", "known", "named"):
                old = next((s for t in reversed(doc[sent.start: tok.i]) for s in at.get(t.i, [])), None)
                new = next((s for t in doc[tok.i + 2: min(sent.end, tok.i + 8)] for s in at.get(t.i, []) if s.start == t.i), None)
                if new is not None and old is not None:
                    yield new.kb_id_, "successor_of", old.kb_id_, tok, "now-called"

    def _against(self, doc, sent, at):
        """The subject of a clause is hostile to the actor it acts 'against'."""
        for tok in sent:
            if tok.lower_ not in ("against", "betwixt"):
                continue
            head = tok.head if tok.dep_ in ("prep", "case") else tok
            obj = tok.head if tok.dep_ == "case" else next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is None:
                continue
            gov = obj.head if tok.dep_ == "case" else head
            targets = self._group([obj], at)
            if not targets:
                continue
            verb = gov
            for _ in range(3):
                if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                    break
                verb = verb.head
            if verb.lemma_.casefold() in _NOT_HOSTILE_VERBS or gov.lemma_.casefold() in _NOT_HOSTILE_VERBS | {"protection", "sanctions"} - {"sanctions"}:
                continue
            subj = self._group(subjects(verb), at) if verb.pos_ in ("VERB", "AUX") else []
            if gov.pos_ == "NOUN" and not subj:
                subj = self._ids([c for c in gov.children if c.dep_ in ("poss", "nmod:poss", "compound", "amod")], at)
            for s in subj:
                for o in targets:
                    yield s, "hostile_to", o, tok, "against"

    def _membership(self, doc, sent, at):
        """'X, a member of Y', 'X is part of Y', 'Y member states' lists, "X's Y" (a State's own body)."""
        reg = entities(doc)
        for tok in sent:
            low = tok.lower_
            if low in ("member", "members", "part") and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ == "of":
                if low == "part" and any(t.lower_ == "as" for t in doc[max(sent.start, tok.i - 2): tok.i]):
                    continue  # "as part of Operation X": the framework of an act, not membership
                y = next((s for t in doc[tok.i + 2: min(sent.end, tok.i + 8)] for s in at.get(t.i, []) if s.start == t.i), None)
                if y is None:
                    continue
                verb = tok.head
                for _ in range(2):
                    if verb.pos_ in ("VERB", "AUX"):
                        break
                    verb = verb.head
                subj = self._group(subjects(verb), at) if verb.pos_ in ("VERB", "AUX") else []
                if not subj:
                    before = [s for t in doc[max(sent.start, tok.i - 6): tok.i] for s in at.get(t.i, []) if s.start == t.i]
                    subj = [before[-1].kb_id_] if before else []
                if low == "part" and subj and self._type(doc, subj[0]) == "State" and self._type(doc, y.kb_id_) == "StateForce":
                    # "France supported Mali as part of Operation Serval": the operation is France's
                    yield y.kb_id_, "part_of", subj[0], tok, "operation-of-state"
                    continue
                for s in subj:
                    yield s, "part_of", y.kb_id_, tok, "member-of"
            if low in ("member", "members") and tok.i >= 1 and doc[tok.i + 1: tok.i + 2].text.lower() in ("state", "states", "country", "countries"):
                y = next((s for s in at.get(tok.i - 1, []) if s.end == tok.i), None)
                if y is None:
                    continue
                for s in self._ids(sent, at):
                    if s != y.kb_id_ and self._type(doc, s) == "State":
                        yield s, "part_of", y.kb_id_, tok, "member-states"
            if low in ("'s", "’s") and tok.i >= 1:
                owner = next((s for s in at.get(tok.i - 1, []) if s.end == tok.i), None)
                owned = next((s for s in at.get(tok.i + 1, []) if s.start == tok.i + 1), None) if tok.i + 1 < sent.end else None
                if owner is None or owned is None or owner.kb_id_ == owned.kb_id_:
                    continue
                ot, dt = reg.get(owner.kb_id_), reg.get(owned.kb_id_)
                if ot and dt and ot.type == "State" and (dt.type == "State" or dt.name.startswith("Operation ")) and dt.country in (None, ot.country):
                    yield owned.kb_id_, "part_of", owner.kb_id_, tok, "state-possessive"

    def _allies_list(self, doc, sent, at):
        """"France and its European allies, including Belgium and Estonia": each listed state is France's ally."""
        for tok in sent:
            if tok.lemma_.casefold() not in ("ally", "partner") or tok.pos_ != "NOUN":
                continue
            window = doc[tok.i + 1: min(sent.end, tok.i + 4)]
            if not any(t.lower_ in ("including", "such", "like", "namely") for t in window):
                continue
            owner = None
            poss = [c for c in tok.children if c.dep_ in ("poss", "nmod:poss")]
            if poss and poss[0].pos_ != "PRON":
                ids = self._ids([poss[0]], at)
                owner = ids[0] if ids else None
            if owner is None:
                before = [s for t in doc[sent.start: tok.i] for s in at.get(t.i, []) if s.start == t.i]
                owner = before[-1].kb_id_ if before else None
            listed = [s.kb_id_ for t in doc[tok.i + 1: sent.end] for s in at.get(t.i, []) if s.start == t.i
                      and self._type(doc, s.kb_id_) == "State"]
            for a in listed:
                if owner:
                    yield a, "allied_with", owner, tok, "allies-including"

    def _contingents(self, doc, sent, at):
        """"troops from Chad, Niger and Togo" in a sentence naming one force or mission: they are part of it."""
        reg = entities(doc)
        forces = [s for s in mentions(doc) if s.label_ == ACTOR and sent.start <= s.start < sent.end
                  and reg.get(s.kb_id_) and reg[s.kb_id_].type in ("InternationalOrg", "StateForce")
                  and any(w in reg[s.kb_id_].name.casefold() for w in ("force", "mission", "operation", "takuba", "minusma", "afisma"))]
        if len({f.kb_id_ for f in forces}) != 1:
            return
        force = forces[0].kb_id_
        for tok in sent:
            if tok.lemma_.casefold() not in ("troop", "soldier", "contingent", "force", "personnel", "peacekeeper") or tok.i + 1 >= sent.end:
                continue
            if doc[tok.i + 1].lower_ != "from":
                continue
            if any(s.label_ == ACTOR for s in at.get(tok.i, [])) or any(
                    t.lemma_.casefold() in _LEAVING for t in doc[max(sent.start, tok.i - 5): tok.i]):
                continue  # "the withdrawal of Russian forces from Mali": where they leave, not who sent them
            end = next((t.i for t in doc[tok.i + 2: sent.end] if t.pos_ in ("VERB", "AUX") or t.text in (";", "\u2014")), sent.end)
            for s in [m for t in doc[tok.i + 2: end] for m in at.get(t.i, []) if m.start == t.i]:
                if self._type(doc, s.kb_id_) == "State":
                    yield s.kb_id_, "part_of", force, tok, "troops-from"

    def _formed_org(self, doc, sent, at):
        """'A, B and C formed W' / 'announced the establishment of W': the founders are part of W."""
        for tok in sent:
            lem = tok.lemma_.casefold()
            if lem in ("form", "establish", "create", "found", "launch") and tok.pos_ == "VERB":
                if any(c.lemma_ == "merge" for c in tok.ancestors):
                    continue
                subj = self._group(subjects(tok), at)
                objs = [o for o in self._group(objects(tok), at) if self._type(doc, o) in ("InternationalOrg", "ArmedGroup", "StateForce")]
                if len(subj) == 1 and self._type(doc, subj[0]) == "State":
                    # "France launched Operation Serval": a state's operation is part of the state
                    for o in objs:
                        if entities(doc)[o].name.startswith("Operation ") or lem == "launch":
                            yield o, "part_of", subj[0], tok, "state-operation"
                        else:
                            yield subj[0], "part_of", o, tok, "founders"
                elif len(subj) >= 2:
                    for o in objs:
                        for s in subj:
                            if self._type(doc, s) in ("State", "ArmedGroup"):
                                yield s, "part_of", o, tok, "founders"
            if lem in ("establishment", "formation", "creation", "founding") and tok.pos_ == "NOUN":
                of = self._group([x for w, x in preps(tok) if w == "of"], at)
                verb = tok.head if tok.head.pos_ in ("VERB", "AUX") else None
                subj = self._group(subjects(verb), at) if verb is not None else []
                if len(subj) >= 2:
                    for o in of:
                        for s in subj:
                            yield s, "part_of", o, tok, "establishment-of"

    def _nested(self, doc: Doc):
        if "kg_nested" not in doc.spans:
            return
        reg = entities(doc)
        outer = [s for s in mentions(doc) if s.label_ == ACTOR]
        for inner in doc.spans["kg_nested"]:
            if inner.label_ != ACTOR:
                continue
            host = next((s for s in outer if s.start <= inner.start and inner.end <= s.end and s.kb_id_ != inner.kb_id_), None)
            if host is None:
                continue
            entry = self.gazetteer.actor(host.kb_id_)
            host_ent = reg.get(host.kb_id_)
            if host_ent is None or host_ent.type not in ("ArmedGroup", "InternationalOrg", "PrivateMilitary"):
                continue  # "U.S. Department of State" names the U.S. but says nothing an analyst lacks
            rels = list(getattr(entry, "relations", ()) or ()) if entry else []
            for pred, other in rels:
                if other == inner.kb_id_:
                    if inner.kb_id_ not in reg:
                        continue
                    yield host.kb_id_, pred, inner.kb_id_, doc[host.start], "nested-name"
                    break
            else:
                h, i = reg.get(host.kb_id_), reg.get(inner.kb_id_)
                if h and i and h.type == i.type == "InternationalOrg" and inner.start == host.start:
                    # "AU Peace and Security Council", "U.N. General Assembly": a body of the named organisation
                    yield host.kb_id_, "part_of", inner.kb_id_, doc[host.start], "nested-name"

    # -- the component -------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        ensure_extensions()
        at = self._actor_index(doc)
        reg = entities(doc)
        found: dict[tuple[str, str, str], ExtractedRelation] = {}
        sents = list(doc.sents)
        sent_no = {s.start: k for k, s in enumerate(sents)}

        def add(s: str, p: str, o: str, anchor: Token, rule: str | None) -> None:
            if rule is None or s == o or s not in reg or o not in reg or reg[s].kind != "actor" or reg[o].kind != "actor":
                return
            if p != "part_of" and _own_forces(reg[s], reg[o]):
                return  # a state and its own army: one side, never allies, rivals or sponsor and client
            if p in SYMMETRIC and o < s:
                s, o = o, s
            key = (s, p, o)
            if key in found:
                return
            sent = anchor.sent
            found[key] = ExtractedRelation(s, p, o, modality_of(anchor, sent).value, sent_no.get(sent.start, 0),
                                           sent.start_char, sent.end_char, sent.text.strip(), rule)

        rules = (self._hyphenated, self._affiliation_phrases, self._titles, self._led_by, self._verbs,
                 self._between, self._splinter, self._against, self._membership, self._formed_org,
                 self._allies_list, self._contingents)
        for sent in sents:
            if is_boilerplate(sent):
                continue
            for rule in rules:
                for s, p, o, anchor, name in rule(doc, sent, at):
                    add(s, p, o, anchor, name)
        if self.nested_names:
            for s, p, o, anchor, name in self._nested(doc):
                add(s, p, o, anchor, name)
        if self.from_events:
            for ev in doc._.kg_events or []:
                if ev.type not in VIOLENT or ev.modality in ("hypothetical", "denied"):
                    continue
                for a in ev.agents:
                    for t in ev.targets:
                        if t in reg and reg[t].kind == "actor" and reg[t].type != "Person" and reg[a].kind == "actor":
                            anchor = doc.char_span(ev.start, ev.end, alignment_mode="expand")
                            if anchor is not None:
                                add(a, "hostile_to", t, anchor[0], "violent-event")
        doc._.kg_relations = list(found.values())
        return doc


def _own_forces(a, b) -> bool:
    """A State and a StateForce of the same country ("Mali" and "the Malian army")."""
    return {a.type, b.type} == {"State", "StateForce"} and a.country is not None and a.country == b.country


@Language.factory(
    "conflict_relations",
    requires=["doc.spans", "token.dep"],
    assigns=["doc._.kg_relations"],
    default_config={"from_events": True, "nested_names": True},
)
def make_conflict_relations(nlp: Language, name: str, *, from_events: bool, nested_names: bool) -> ConflictRelations:
    """Factory: see ``ConflictRelations``."""
    return ConflictRelations(nlp, name, from_events=from_events, nested_names=nested_names)
