"""How the source stands behind a fact: asserted, reported, unconfirmed, denied or hypothetical.

Why: analysts weigh "JNIM attacked" differently from "JNIM reportedly attacked",
"... requires independent confirmation" or "JNIM threatened to attack". The cue
is looked for around the word that states the fact (its auxiliaries, the
verbs it hangs from) and in the sentence's attribution phrases. When several
cues meet, the most doubtful wins: denied > unconfirmed > reported > hypothetical.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.models import Modality

__all__ = ["modality_of", "REPORTING_VERBS"]

REPORTING_VERBS = {
    "say", "report", "claim", "allege", "describe", "reference", "suggest", "indicate", "accuse", "believe",
    "suspect", "estimate", "assert", "tell", "quote", "cite", "attribute", "study",
}
_REPORT_ADVERBS = {"reportedly", "allegedly", "purportedly", "apparently", "supposedly", "presumably", "ostensibly"}
_REPORT_PHRASES = ("according to", "it is reported", "it was reported", "it has been reported", "reports said",
                   "sources said", "some sources", "a number of messages", "a fig of messages", "is believed to",
                   "are believed to", "was believed to", "were believed to", "it is said", "is said to", "was said to")
_DOUBT_PHRASES = ("unconfirmed", "unverified", "not been confirmed", "not been verified", "could not be confirmed",
                  "could not be verified", "cannot be verified", "cannot be confirmed", "independent confirmation",
                  "independently confirmed", "independently verified", "no official confirmation",
                  "require confirmation", "requires confirmation", "need confirmation", "necessitate",
                  "not capable grounds", "not enough evidence", "not confirmed")
_DENY_LEMMAS = {"deny", "refute"}
_MODALS = {"could", "may", "might", "would", "should", "can", "will", "shall", "'ll"}
_INTENT_LEMMAS = {
    "threaten", "plan", "intend", "demand", "call", "consider", "seek", "aim", "vow", "risk", "prepare", "propose",
    "warn", "urge", "want", "hope", "expect", "fear", "pledge", "promise", "push", "ask", "request", "contemplate",
}
_INTENT_NOUNS = {"threat", "risk", "demand", "call", "plan", "possibility", "prospect", "anticipation", "fear", "hazard"}


def _chain(tok: Token, depth: int = 4) -> list[Token]:
    """The token and the words it hangs from, up to the root (each once)."""
    out = [tok]
    t = tok
    for _ in range(depth):
        if t.head.i == t.i:  # the root; Token objects are views, so ``t.head is t`` is never true
            break
        t = t.head
        out.append(t)
    return out


def modality_of(trigger: Token, sent: Span | None = None) -> Modality:
    """The modality of the fact stated at ``trigger`` (see module docstring)."""
    sent = sent if sent is not None else trigger.sent
    low = sent.text.casefold()
    chain = _chain(trigger)
    if any(t.lemma_.casefold() in _DENY_LEMMAS for t in chain[1:]) or any(t.lemma_.casefold() == "deny" for t in sent):
        return Modality.denied
    if any(p in low for p in _DOUBT_PHRASES):
        return Modality.unconfirmed
    reported = (
        any(t.lower_ in _REPORT_ADVERBS for t in sent)
        or any(p in low for p in _REPORT_PHRASES)
        or any(t.lemma_.casefold() in REPORTING_VERBS and t.pos_ in ("VERB", "AUX") for t in chain[1:])
        or any(c.lower_ in _REPORT_ADVERBS for t in chain for c in t.children)
        or any(t.lower_ == "suspected" and t.head.i in {c.i for c in chain} for t in sent)
    )
    if reported:
        return Modality.reported
    for t in chain[:3]:
        if any(c.dep_ in ("aux", "aux:pass", "auxpass") and c.lower_ in _MODALS for c in t.children):
            return Modality.hypothetical
    for t in chain[1:]:
        lem = t.lemma_.casefold()
        if (t.pos_ in ("VERB", "AUX") and lem in _INTENT_LEMMAS) or (t.pos_ == "NOUN" and lem in _INTENT_NOUNS):
            return Modality.hypothetical
    if trigger.pos_ == "NOUN" and any(c.lower_ in ("potential", "possible", "threatened", "planned", "proposed") for c in trigger.children):
        return Modality.hypothetical
    if any(t.lower_ in ("if", "unless") for t in sent[: max(1, trigger.i - sent.start)]):
        return Modality.hypothetical
    return Modality.asserted
