"""``conflict_entities``: actors and places from the gazetteer, plus statistical names it lacks.

Why: most actors of the Sahel conflict have many spellings (JNIM, Jama'at
Nusrat al-Islam wal-Muslimin, GSIM...), which only a curated gazetteer
(``ontology/gazetteer``) resolves to one entity; new persons and groups appear
every week, which only the base pipeline's NER finds. This component runs the
gazetteer first (longest match wins; a country name yields both its State
actor and its Country place), then adds NER names the gazetteer does not
cover, typing new organisations from their own words and their context.

It also repairs words glued together by bad text extraction or machine
translation ("Algeriawhich", "ISIStheir") when the glued head is a known name,
and ignores names inside citation blocks such as "(Sources: Reuters, BBC)".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

import ontology
from extractors.dates import MONTH_AND_DAY_NAMES
from extractors.common import ACTOR, MENTIONS, PLACE, Entity, ensure_extensions, entities
from kg.gazetteer import needs_exact_case
from kg.names import normalize_name, slugify

__all__ = ["ConflictEntities", "make_conflict_entities", "infer_org_type", "citation_ranges"]

NESTED = "kg_nested"

# Words that may follow a name glued onto it by bad extraction ("Algeriawhich").
_GLUE_TAILS = ("which", "their", "however", "and", "the", "who", "that", "was", "were", "is", "are", "has", "have", "while", "but", "in", "of")
_GLUE_RE = re.compile(r"^([A-Z][A-Za-z'\u2019.-]{1,}?)(" + "|".join(_GLUE_TAILS) + r")$")
_CITATION_RE = re.compile(r"\((?:Sources?|Source|Via|Credit|Photo)\s*:[^)]*\)", re.IGNORECASE)

_TITLE_WORDS = {
    "president", "minister", "colonel", "general", "gen.", "col.", "lt.", "captain", "commander", "leader",
    "emir", "chief", "prime", "mr.", "mrs.", "ms.", "dr.", "sheikh", "imam", "spokesman", "spokesperson",
    "secretary", "ambassador", "official", "governor", "mayor", "king", "prince", "sergeant", "major", "lieutenant",
}
_NOT_NAMES = {
    "islamist", "islamists", "jihadist", "jihadists", "western", "sahelian", "african", "european", "islamic",
    "sharia", "caliphate", "covid", "covid-19", "internet", "tiktok", "facebook", "twitter", "whatsapp", "youtube",
    "telegram", "x", "sources", "source", "related", "subscribe", "newsletter", "advertisement", "read more",
}

# Words in an organisation's own name that tell its type.
_ORG_TYPE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("PrivateMilitary", ("wagner", "pmc", "private military", "mercenar", "contractor", "corps")),
    ("StateForce", ("army", "armed forces", "air force", "police", "gendarmerie", "national guard", "military",
                    "defence forces", "defense forces", "special forces", "battalion of the", "operation ")),
    ("ArmedGroup", ("front", "movement", "brigade", "battalion", "katiba", "ansar", "jama", "militia", "mujahid",
                    "liberation", "rebels", "jihad", "islamic state", "qaeda", "coalition of", "self-defense",
                    "self-defence", "group for", "group of")),
    ("InternationalOrg", ("united nations", "union", "organization", "organisation", "council", "committee",
                          "agency", "fund", "institute", "watch", "international", "bank", "programme", "program",
                          "commission", "court", "mission", "community", "alliance", "partnership", "forum",
                          "red cross", "amnesty", "foundation", "association", "network", "center", "centre")),
    ("State", ("government", "ministry", "department", "parliament", "presidency", "embassy", "junta",
               "kremlin", "white house")),
]
_ARMED_CONTEXT = {"group", "militant", "militants", "jihadist", "jihadists", "fighter", "fighters", "rebel", "rebels",
                  "insurgent", "insurgents", "militia", "faction", "terrorist", "extremist", "armed"}


def infer_org_type(name: str, context: Iterable[str] = ()) -> str:
    """An ActorType for an organisation the gazetteer lacks, from its name, then its context words."""
    low = name.casefold()
    for type_, words in _ORG_TYPE_WORDS:
        if any(w in low for w in words):
            return type_
    ctx = {c.casefold() for c in context}
    if ctx & _ARMED_CONTEXT:
        return "ArmedGroup"
    return "Other"


def citation_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of citation blocks like "(Sources: Reuters, BBC News)"."""
    return [m.span() for m in _CITATION_RE.finditer(text)]


class ConflictEntities:
    """Gazetteer + NER entity finder; writes ``doc.spans["kg_mentions"]`` and ``doc._.kg_entities``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "conflict_entities",
        *,
        use_ner: bool = True,
        actors_path: str | None = None,
        places_path: str | None = None,
        geocode_unknown: bool = True,
    ) -> None:
        from kg.gazetteer import load_gazetteer

        ensure_extensions()
        self.name = name
        self.use_ner = use_ner
        self.geocode_unknown = geocode_unknown
        self.gazetteer = load_gazetteer(actors_path, places_path) if (actors_path or places_path) else load_gazetteer()
        lists = yaml.safe_load(ontology.path("not_actors.yaml").read_text(encoding="utf-8"))
        self.not_actors = {normalize_name(n) for n in lists["news_and_platforms"] + lists.get("generic_terms", [])}
        self.not_place_before = set(lists["not_place_before"])
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._exact: dict[str, set[str]] = {}  # match key -> aliases that must match case-exactly
        self._any_case: dict[str, set[str]] = {}  # match key -> casefolded aliases that match in any case
        self._surface: dict[str, str] = {}  # normalised alias -> match key (for glued-word repair)
        self._add_aliases(nlp, ((a, e, "actor") for a, e in self.gazetteer.actor_aliases()))
        self._add_aliases(nlp, ((a, e, "place") for a, e in self.gazetteer.place_aliases()))
        # Phrases that contain a name but name nothing ("Algiers Accord", "Washington Post") claim their span.
        blocked = [nlp.make_doc(p) for p in getattr(self.gazetteer, "blocked_phrases", ()) if p.strip()]
        if blocked:
            self.matcher.add("blocked|", blocked)

    def _add_aliases(self, nlp: Language, items: Iterable[tuple[str, object, str]]) -> None:
        by_key: dict[str, list[Doc]] = {}
        for alias, entry, kind in items:
            if not alias.strip():
                continue
            key = f"{kind}|{entry.id}"
            if needs_exact_case(alias):
                self._exact.setdefault(key, set()).add(alias)
            else:
                self._any_case.setdefault(key, set()).add(alias.casefold())
            by_key.setdefault(key, []).append(nlp.make_doc(alias))
            self._surface.setdefault(normalize_name(alias), key)
        for key, docs in by_key.items():
            self.matcher.add(key, docs)

    # -- entity registry -------------------------------------------------

    def _register(self, doc: Doc, key: str) -> Entity:
        kind, ent_id = key.split("|", 1)
        reg = entities(doc)
        if ent_id in reg:
            return reg[ent_id]
        if kind == "actor":
            e = self.gazetteer.actor(ent_id)
            entity = Entity(ent_id, "actor", e.name, str(getattr(e.type, "value", e.type)), {e.name}, "gazetteer",
                            qid=e.qid, country=e.country)
        else:
            p = self.gazetteer.place(ent_id)
            entity = Entity(ent_id, "place", p.name, str(getattr(p.type, "value", p.type)), {p.name}, "gazetteer",
                            qid=p.qid, country=p.country, lat=p.lat, lon=p.lon, geonames_id=p.geonames_id)
        reg[ent_id] = entity
        return entity

    # -- matching ----------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        ensure_extensions()
        blocked = citation_ranges(doc.text)

        def in_citation(span: Span) -> bool:
            return any(a <= span.start_char and span.end_char <= b for a, b in blocked)

        candidates: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            if key == "blocked|":
                candidates.append(Span(doc, start, end, label="BLOCKED"))
                continue
            span = Span(doc, start, end, label=ACTOR if key.startswith("actor|") else PLACE, kb_id=key.split("|", 1)[1])
            exact = self._exact.get(key)
            if exact is not None and not self._case_ok(span, exact, self._any_case.get(key, set())):
                continue
            if in_citation(span):
                continue
            candidates.append(span)
        candidates.extend(self._glued(doc, candidates, in_citation))
        kept, nested = self._resolve_overlaps(candidates)
        kept = [s for s in kept if s.label_ != "BLOCKED"]
        nested = [s for s in nested if s.label_ != "BLOCKED"]
        kept = [s for s in kept if not self._modifier_place(doc, s)]
        kept = self._metonyms(doc, kept)
        kept += self._state_places(doc, kept, nested)
        if self.use_ner:
            kept.extend(self._from_ner(doc, kept, in_citation))
        kept.sort(key=lambda s: (s.start, s.end, s.label_))
        for span in kept:
            key = f"{'actor' if span.label_ == ACTOR else 'place'}|{span.kb_id_}"
            if key.split("|", 1)[1] in entities(doc):
                entities(doc)[span.kb_id_].aliases.add(span.text)
            else:
                self._register(doc, key).aliases.add(span.text)
        for span in nested:
            key = f"{'actor' if span.label_ == ACTOR else 'place'}|{span.kb_id_}"
            self._register(doc, key)
        doc.spans[MENTIONS] = kept
        doc.spans[NESTED] = nested
        return doc

    def _case_ok(self, span: Span, exact: set[str], any_case: set[str]) -> bool:
        """Aliases that must match as written (acronyms, short names) do; others match any case.

        "al-Mourabitoun" matches though "Al-Mourabitoun" is a case-exact alias: the
        lowercase spelling is itself a case-free alias of the same entity.
        """
        text = span.text
        lowered = {a.casefold() for a in exact}
        if text.casefold() not in lowered or text.casefold() in any_case:
            return True  # matched one of the entity's case-free aliases
        if text not in exact:
            return False
        # An all-caps English word ("US" in an all-caps headline) is not the acronym.
        sent = span.sent if span.doc.has_annotation("SENT_START") else span.doc[:]
        alpha = [t for t in sent if t.is_alpha]
        caps = sum(t.is_upper for t in alpha)
        return not (len(alpha) > 3 and caps / len(alpha) > 0.5)

    def _glued(self, doc: Doc, found: list[Span], in_citation) -> list[Span]:
        covered = {i for s in found for i in range(s.start, s.end)}
        out: list[Span] = []
        for tok in doc:
            if tok.i in covered or not tok.text[:1].isupper():
                continue
            m = _GLUE_RE.match(tok.text)
            if not m:
                continue
            key = self._surface.get(normalize_name(m.group(1)))
            if key is None:
                continue
            span = Span(doc, tok.i, tok.i + 1, label=ACTOR if key.startswith("actor|") else PLACE, kb_id=key.split("|", 1)[1])
            if not in_citation(span):
                out.append(span)
                # a glued country is both its actor and its place
                kind, ent_id = key.split("|", 1)
                twin = self._country_twin(kind, ent_id)
                if twin:
                    out.append(Span(doc, tok.i, tok.i + 1, label=PLACE if kind == "actor" else ACTOR, kb_id=twin))
        return out

    def _country_twin(self, kind: str, ent_id: str) -> str | None:
        if kind == "place":
            p = self.gazetteer.place(ent_id)
            if p and str(getattr(p.type, "value", p.type)) == "Country" and p.country:
                a = self.gazetteer.country_actor(p.country)
                return a.id if a else None
            return None
        a = self.gazetteer.actor(ent_id)
        if a and str(getattr(a.type, "value", a.type)) == "State" and a.country:
            p = self.gazetteer.country_place(a.country)
            return p.id if p else None
        return None

    def _modifier_place(self, doc: Doc, span: Span) -> bool:
        """'Berber people', 'the Algiers Accord': a place name modifying another noun is no place of the story."""
        if span.label_ != PLACE or span.end >= len(doc):
            return False
        return doc[span.end].lower_ in self.not_place_before

    def _metonyms(self, doc: Doc, kept: list[Span]) -> list[Span]:
        """A capital that acts ('Moscow responds', "Bamako's decision") stands for its State."""
        out = []
        for s in kept:
            actor = self.gazetteer.lookup_metonym(s.text) if s.label_ == PLACE else None
            root = s.root
            acting = root.dep_ in ("nsubj", "poss", "nmod:poss") or (s.end < len(doc) and doc[s.end].lower_ in ("'s", "\u2019s"))
            if actor is not None and acting and not s.text.isupper():  # "BAMAKO, May 3 (Reuters) -" is a dateline
                out.append(Span(doc, s.start, s.end, label=ACTOR, kb_id=actor.id))
            else:
                out.append(s)
        return out

    def _state_places(self, doc: Doc, kept: list[Span], nested: list[Span]) -> list[Span]:
        """'the Emir of Qatar', 'Government of Mali': the country inside a State's name is named as a place too."""
        out = []
        for inner in nested:
            if inner.label_ != PLACE:
                continue
            host = next((k for k in kept if k.label_ == ACTOR and k.start <= inner.start and inner.end <= k.end), None)
            place = self.gazetteer.place(inner.kb_id_)
            if host is None or place is None or str(getattr(place.type, "value", place.type)) != "Country":
                continue
            actor = self.gazetteer.actor(host.kb_id_)
            if actor is not None and actor.country == place.country and str(getattr(actor.type, "value", actor.type)) == "State":
                out.append(inner)
        return out

    @staticmethod
    def _resolve_overlaps(candidates: list[Span]) -> tuple[list[Span], list[Span]]:
        """Longest match wins; spans over the very same tokens (actor + place readings) all stay."""
        longest = filter_spans(candidates)
        ranges = {(s.start, s.end) for s in longest}
        kept, nested, seen = [], [], set()
        for s in candidates:
            key = (s.start, s.end, s.label_, s.kb_id_)
            if key in seen:
                continue
            seen.add(key)
            if (s.start, s.end) in ranges:
                kept.append(s)
            else:
                nested.append(s)
        # one reading per label over one range
        by_range: dict[tuple[int, int, str], Span] = {}
        for s in kept:
            by_range.setdefault((s.start, s.end, s.label_), s)
        return list(by_range.values()), nested

    # -- statistical names -------------------------------------------------

    def _from_ner(self, doc: Doc, kept: list[Span], in_citation) -> list[Span]:
        covered = {i for s in kept for i in range(s.start, s.end)}
        out: list[Span] = []
        for ent in doc.ents:
            if any(i in covered for i in range(ent.start, ent.end)) or in_citation(ent):
                continue
            span = self._trim(ent)
            if span is None or self.gazetteer.is_blocked(span.text):
                continue
            label = ent.label_
            if label in ("PER", "PERSON"):
                made = self._person(doc, span)
            elif label == "ORG":
                made = self._org(doc, span)
            elif label in ("LOC", "GPE", "FAC"):
                made = self._place(doc, span, facility=label == "FAC")
            else:
                made = None
            if made is not None:
                out.append(made)
                covered.update(range(made.start, made.end))
        return out

    @staticmethod
    def _trim(ent: Span) -> Span | None:
        start, end = ent.start, ent.end
        doc = ent.doc
        while start < end and (doc[start].is_punct or doc[start].lower_ in ("the", "a", "an")):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "\u2019s")):
            end -= 1
        if start >= end:
            return None
        span = Span(doc, start, end, label=ent.label_)
        text = span.text
        if not any(c.isupper() for c in text) or text.casefold() in MONTH_AND_DAY_NAMES | _NOT_NAMES:
            return None
        if any(t.like_num for t in span) or len(text) < 3 or "\n" in text:
            return None
        return span

    def _person(self, doc: Doc, span: Span) -> Span | None:
        entry = self.gazetteer.lookup_actor(span.text)
        if entry is not None:
            self._register(doc, f"actor|{entry.id}")
            return Span(doc, span.start, span.end, label=ACTOR, kb_id=entry.id)
        titled = span.start > 0 and doc[span.start - 1].lower_ in _TITLE_WORDS
        if len(span) < 2 and not titled:
            # a lone surname: keep only if it names a person already known in this document
            return self._surname(doc, span)
        if not all(t.text[:1].isupper() or t.lower_ in ("al", "ag", "ould", "bin", "ben", "de", "el", "ibn", "abu", "wa", "-") for t in span):
            return None
        ent_id = slugify(span.text)
        reg = entities(doc)
        if ent_id not in reg:
            reg[ent_id] = Entity(ent_id, "actor", span.text, "Person", {span.text}, "ner")
        return Span(doc, span.start, span.end, label=ACTOR, kb_id=ent_id)

    @staticmethod
    def _surname(doc: Doc, span: Span) -> Span | None:
        last = span.text.casefold()
        for ent in entities(doc).values():
            if ent.kind == "actor" and ent.type == "Person" and any(a.split()[-1].casefold() == last for a in ent.aliases if a.split()):
                return Span(doc, span.start, span.end, label=ACTOR, kb_id=ent.id)
        return None

    def _org(self, doc: Doc, span: Span) -> Span | None:
        if normalize_name(span.text) in self.not_actors:
            return None
        entry = self.gazetteer.lookup_actor(span.text)
        if entry is not None:
            self._register(doc, f"actor|{entry.id}")
            return Span(doc, span.start, span.end, label=ACTOR, kb_id=entry.id)
        if len(span) == 1 and span.text.isupper() and len(span.text) <= 2:
            return None
        if span[-1].is_lower and span[-1].is_alpha:
            return None  # "a Malian Islamic militant group": a description, not a name (names end capitalised)
        ctx = [t.lower_ for t in span.sent] if doc.has_annotation("SENT_START") else []
        ent_id = slugify(span.text)
        reg = entities(doc)
        if ent_id not in reg:
            reg[ent_id] = Entity(ent_id, "actor", span.text, infer_org_type(span.text, ctx), {span.text}, "ner")
        return Span(doc, span.start, span.end, label=ACTOR, kb_id=ent_id)

    def _place(self, doc: Doc, span: Span, facility: bool = False) -> Span | None:
        entry = self.gazetteer.lookup_place(span.text)
        if entry is not None:
            self._register(doc, f"place|{entry.id}")
            return Span(doc, span.start, span.end, label=PLACE, kb_id=entry.id)
        actor = self.gazetteer.lookup_actor(span.text)
        if actor is not None:
            self._register(doc, f"actor|{actor.id}")
            return Span(doc, span.start, span.end, label=ACTOR, kb_id=actor.id)
        if not self.geocode_unknown:
            return None
        from extractors.geocode import geocode

        hit = geocode(span.text)
        low = span.text.casefold()
        if hit is None and not facility and not any(w in low for w in ("region", "province", "desert", "river", "valley", "mountains", "base", "camp")):
            return None  # an unknown, ungeocodable single name is more often noise than a place
        ent_id = "place-" + slugify(span.text)
        reg = entities(doc)
        if ent_id not in reg:
            type_ = "Site" if facility or any(w in low for w in ("base", "camp", "airport", "hotel", "post")) else (
                "Region" if any(w in low for w in ("region", "province", "desert", "river", "valley", "mountains")) else "Settlement")
            reg[ent_id] = Entity(ent_id, "place", span.text, type_, {span.text}, "ner",
                                 country=hit.country if hit else None, lat=hit.lat if hit else None,
                                 lon=hit.lon if hit else None, geonames_id=hit.geonames_id if hit else None)
        return Span(doc, span.start, span.end, label=PLACE, kb_id=ent_id)


@Language.factory(
    "conflict_entities",
    assigns=["doc.spans", "doc._.kg_entities"],
    default_config={"use_ner": True, "actors_path": None, "places_path": None, "geocode_unknown": True},
)
def make_conflict_entities(
    nlp: Language,
    name: str,
    *,
    use_ner: bool,
    actors_path: str | None,
    places_path: str | None,
    geocode_unknown: bool,
) -> ConflictEntities:
    """Factory: see ``ConflictEntities``."""
    return ConflictEntities(nlp, name, use_ner=use_ner, actors_path=actors_path, places_path=places_path,
                            geocode_unknown=geocode_unknown)
