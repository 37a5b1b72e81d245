"""Dependency-tree questions asked the same way under both label schemes.

Why: the project's own pipeline is trained on UD English EWT (``nsubj``,
``obj``, ``obl`` + ``case``, ``nsubj:pass``), while spaCy's published English
pipelines use ClearNLP labels (``dobj``, ``prep`` + ``pobj``, ``nsubjpass``,
``agent``). Extractors ask "subject?", "object?", "prepositional phrases?"
here and work with either.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

__all__ = [
    "SUBJ",
    "PASS_SUBJ",
    "OBJ",
    "CLAUSE_DEPS",
    "is_passive",
    "subjects",
    "objects",
    "preps",
    "agent_phrases",
    "phrase_tokens",
    "governing_verb",
    "conjuncts",
    "LOCATIVE",
    "preceding_dependents",
    "resolve_pronoun",
    "locative_modifiers",
    "is_partner",
]

SUBJ = {"nsubj", "csubj", "expl"}
PASS_SUBJ = {"nsubjpass", "nsubj:pass", "csubjpass", "csubj:pass"}
OBJ = {"dobj", "obj", "iobj", "dative", "attr", "oprd"}
AUX_PASS = {"auxpass", "aux:pass"}
# Children whose subtrees are other clauses: their actors are not this phrase's.
CLAUSE_DEPS = {"relcl", "acl:relcl", "acl", "advcl", "parataxis", "ccomp", "csubj", "list", "dep"}
_RAISING = {"believe", "say", "report", "think", "expect", "allege", "suspect", "know", "understand", "claim", "rumor", "rumour", "estimate", "seem", "appear"}
_RELATIVE = {"which", "that", "who", "whom", "whose"}
_PREP_DEPS = {"obl", "nmod", "obl:npmod", "obl:tmod", "nmod:npmod", "obl:agent"}


def is_passive(verb: Token) -> bool:
    """A passive verb: has a passive subject or passive auxiliary (or a ``by`` agent)."""
    return any(c.dep_ in PASS_SUBJ | AUX_PASS or c.dep_ == "agent" for c in verb.children)


def conjuncts(tok: Token) -> list[Token]:
    """The token and everything coordinated with it ("AQIM, AAD and MUJAO")."""
    return [tok, *tok.conjuncts]


def subjects(verb: Token) -> list[Token]:
    """Active subjects of a verb, inherited through coordination, control and relative clauses.

    "X attacked and seized Y" gives X to "seized"; "X sought to attack" gives X to
    "attack"; "groups that attacked" gives "groups" to "attacked".
    """
    seen: set[int] = set()
    tok = verb
    for _ in range(4):
        if tok.i in seen:
            break
        seen.add(tok.i)
        subj = [c for c in tok.children if c.dep_ in SUBJ | PASS_SUBJ]
        active = [c for c in subj if c.dep_ in SUBJ]
        if active:
            if all(c.lower_ in _RELATIVE for c in active) and tok.dep_ in ("relcl", "acl:relcl"):
                return [tok.head]
            return active
        if subj:  # passive: the subject is the patient, not the agent...
            if tok.i != verb.i and tok.lemma_ in _RAISING:
                return subj  # ...except raising: "X is believed to have attacked" -> X attacked
            return []
        if tok.dep_ in ("relcl", "acl:relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
            if tok.dep_ == "acl" and any(c.dep_ in ("mark", "aux") and c.lower_ == "to" for c in tok.children):
                # "an advisory to leave": the advisory does not leave; "France's decision to urge": France urges
                return [c for c in tok.head.children if c.dep_ in ("poss", "nmod:poss")]
            return [tok.head]
        if tok.dep_ == "xcomp" and tok.head.i != tok.i:
            controller = [c for c in tok.head.children if c.dep_ in OBJ]
            if controller:
                return controller  # object control: "urged its citizens to leave" -> the citizens leave
            tok = tok.head
            continue
        if tok.dep_ in ("conj", "advcl") and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return []


def preceding_dependents(verb: Token) -> list[Token]:
    """Words before a verb that hang from it through no other verb: a stand-in subject when the parse lost it.

    "In response, the United States, along with the UK, has advised..." often parses
    "the United States" as a modifier of "response"; it still depends on "advised"
    through nouns only, and stands before it.
    """
    out = []
    for tok in verb.sent:
        if tok.i >= verb.i:
            break
        if tok.pos_ not in ("PROPN", "NOUN"):
            continue
        t = tok
        ok = False
        for _ in range(8):
            if t.head.i == t.i:
                break
            t = t.head
            if t.i == verb.i:
                ok = True
                break
            if t.pos_ in ("VERB", "AUX") or t.dep_ in CLAUSE_DEPS:
                break
        if ok:
            out.append(tok)
    return out


_PRONOUNS = {"it", "they", "he", "she", "its", "their", "his", "her"}


def resolve_pronoun(tok: Token) -> Token | None:
    """'The FLA said it had shot down a drone': 'it' is the subject of the verb its clause reports to."""
    if tok.lower_ not in _PRONOUNS:
        return None
    t = tok.head
    for _ in range(4):
        if t.head.i == t.i:
            return None
        if t.dep_ in ("ccomp", "xcomp", "advcl", "conj", "parataxis"):
            gov = t.head
            subj = [c for c in gov.children if c.dep_ in SUBJ and c.lower_ not in _PRONOUNS]
            if subj:
                return subj[0]
        t = t.head
    return None


def is_partner(verb: Token, obj: Token) -> bool:
    """'fought alongside Wagner': the object is a partner, not a target (even when the parser
    misreads 'alongside' as a noun, so the word is looked for, not its label)."""
    return any(t.lower_ == "alongside" for t in verb.doc[verb.i + 1: obj.left_edge.i + 1])


def objects(verb: Token) -> list[Token]:
    """Direct objects; for a passive verb its (passive) subject, the patient."""
    out = [c for c in verb.children if c.dep_ in OBJ]
    if is_passive(verb):
        out += [c for c in verb.children if c.dep_ in PASS_SUBJ]
    if not out and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        # "abducted and killed Y": Y is only attached to the last conjunct
        pass
    return out


def preps(head: Token) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs attached to ``head``: "in Gao" -> ("in", Gao)."""
    for c in head.children:
        if c.dep_ == "prep":
            for gc in c.children:
                if gc.dep_ in ("pobj", "pcomp"):
                    for x in conjuncts(gc):
                        yield c.lower_, x
        elif c.dep_ == "agent":
            for gc in c.children:
                if gc.dep_ == "pobj":
                    for x in conjuncts(gc):
                        yield "by", x
        elif c.dep_ in _PREP_DEPS:
            # UD writes a multiword preposition as case + fixed ("along" <-fixed- "with")
            case = sorted((w for gc in c.children if gc.dep_ == "case" for w in (gc, *(f for f in gc.children if f.dep_ == "fixed"))), key=lambda w: w.i)
            word = " ".join(g.lower_ for g in case) if case else ""
            for x in conjuncts(c):
                yield word, x


def agent_phrases(verb: Token) -> list[Token]:
    """The ``by`` phrase of a passive verb."""
    return [x for word, x in preps(verb) if word == "by"]


_NAMING = {"call", "name", "dub", "know", "label", "brand"}


LOCATIVE = {"in", "at", "near", "around", "across", "throughout", "outside", "inside", "within", "into", "along"}


def locative_modifiers(tok: Token) -> list[Token]:
    """Place modifiers inside a phrase: 'an army post *in central Mali*' -> [Mali]."""
    out = []
    for t in phrase_tokens(tok):
        for c in t.children:
            if _locative(c):
                out.append(c if c.dep_ != "prep" else next((g for g in c.children if g.dep_ == "pobj"), c))
    return out


def _locative(tok: Token) -> bool:
    """A prepositional modifier of place: 'in Mali', 'near Gao'."""
    if tok.dep_ == "prep":
        return tok.lower_ in LOCATIVE
    if tok.dep_ in ("nmod", "obl"):
        return any(c.dep_ == "case" and c.lower_ in LOCATIVE for c in tok.children)
    return False


def phrase_tokens(tok: Token, *, locatives: bool = True) -> list[Token]:
    """A phrase's tokens: its subtree without embedded clauses ("a task force called Takuba" keeps its name).

    With ``locatives=False`` place modifiers are left out too: in "soldiers in Mali" the
    soldiers are the target and Mali the place, not a second target.
    """
    out: list[Token] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children
                     if (c.dep_ not in CLAUSE_DEPS or (c.dep_ == "acl" and c.lemma_ in _NAMING))
                     and (locatives or not _locative(c)))
    return sorted(out, key=lambda t: t.i)


def governing_verb(tok: Token) -> Token | None:
    """The verb a noun hangs from ("carried out an *attack*" -> carried)."""
    t = tok
    for _ in range(3):
        if t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None
