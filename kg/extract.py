"""From articles to document records (``kg-docrecord/1``).

Why: this is the seam between spaCy (Docs, spans, components) and the rest of
the product (pydantic records that Neo4j, RDF and the corpus graph read). It
decides which found entities become actors of the record: every actor named,
except that a country named only as a place ("troops left Mali") is a place,
not an actor; it becomes an actor where it acts (subject, possessor, agent or
target of an event, party to a relation).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from extractors.common import ACTOR, PLACE, entities, mentions
from kg.errors import InputError, KgError
from kg.ingest import Article, iter_articles
from kg.models import Actor, DocRecord, Event, Mention, Place, Relation
from kg.pipeline import MAX_CHARS, build_pipeline, pipeline_label

__all__ = ["extract_paths", "extract_articles", "doc_to_record"]

_ACTING_DEPS = {"nsubj", "nsubjpass", "nsubj:pass", "poss", "nmod:poss", "agent", "csubj"}


def _acting(span) -> bool:
    """Subject or possessor, directly or as one of a coordinated list ("Mali, Niger and Chad formed...")."""
    root = span.root
    for _ in range(6):
        if root.dep_ != "conj" or root.head is root:
            break
        root = root.head
    if root.dep_ in _ACTING_DEPS:
        return True
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    return nxt is not None and nxt.lower_ in ("'s", "\u2019s")


def doc_to_record(doc: Doc, article: Article, pipeline: str | None = None) -> DocRecord:
    """Build the record of one processed Doc."""
    reg = entities(doc)
    sent_of = {}
    for k, sent in enumerate(doc.sents):
        for t in sent:
            sent_of[t.i] = k
    events = list(doc._.kg_events or [])
    relations = list(doc._.kg_relations or [])
    used = {a for e in events for a in (*e.agents, *e.targets)} | {r.subject for r in relations} | {r.object for r in relations}

    place_ranges = {(s.start, s.end) for s in mentions(doc) if s.label_ == PLACE}
    actor_mentions: dict[str, list] = {}
    place_mentions: dict[str, list] = {}
    keep_actor: set[str] = set()
    for s in mentions(doc):
        if s.kb_id_ not in reg:
            continue
        if s.label_ == ACTOR:
            if s._.kg_coref:
                continue
            actor_mentions.setdefault(s.kb_id_, []).append(s)
            if (s.start, s.end) not in place_ranges or _acting(s):
                keep_actor.add(s.kb_id_)
        else:
            place_mentions.setdefault(s.kb_id_, []).append(s)

    def mention_list(spans) -> list[Mention]:
        return [Mention(start=s.start_char, end=s.end_char, text=s.text, sentence=sent_of.get(s.start)) for s in spans]

    actors = []
    for ent_id, spans in actor_mentions.items():
        e = reg[ent_id]
        if ent_id not in used and (ent_id not in keep_actor or (e.source != "gazetteer" and e.type == "Other")):
            continue  # a country named only as a place; an untyped new name that takes part in nothing
        aliases = list(dict.fromkeys([e.name, *sorted(e.aliases)]))
        actors.append(Actor(id=e.id, name=e.name, type=e.type, aliases=aliases, qid=e.qid, mentions=mention_list(spans)))
    actor_ids = {a.id for a in actors}
    for ent_id in used - actor_ids:
        e = reg.get(ent_id)
        if e is not None and e.kind == "actor":
            actors.append(Actor(id=e.id, name=e.name, type=e.type, aliases=[e.name], qid=e.qid))
            actor_ids.add(e.id)

    places = []
    for ent_id, spans in place_mentions.items():
        e = reg[ent_id]
        aliases = list(dict.fromkeys([e.name, *sorted(e.aliases)]))
        places.append(Place(id=e.id, name=e.name, type=e.type, country=e.country, aliases=aliases, lat=e.lat,
                            lon=e.lon, geonames_id=e.geonames_id, qid=e.qid, mentions=mention_list(spans)))
    place_ids = {p.id for p in places}
    known = actor_ids | place_ids

    out_events = []
    for n, e in enumerate(events, start=1):
        agents = [a for a in e.agents if a in actor_ids]
        targets = [t for t in e.targets if t in known]
        location = e.location if e.location in place_ids else None
        if not (agents or targets or location):
            continue
        out_events.append(Event(id=f"e{n}", type=e.type, agents=agents, targets=targets, location=location, date=e.date,
                                fatalities=e.fatalities, modality=e.modality, evidence=e.evidence, sentence=e.sentence,
                                start=e.start, end=e.end, extractor="conflict_events"))
    out_relations = [
        Relation(subject=r.subject, predicate=r.predicate, object=r.object, modality=r.modality, evidence=r.evidence,
                 sentence=r.sentence, start=r.start, end=r.end, extractor=f"conflict_relations:{r.rule}")
        for r in relations
        if r.subject in actor_ids and r.object in actor_ids
    ]
    return DocRecord(doc_id=article.doc_id, published=article.published, title=article.title, url=article.url,
                     source=article.source, pipeline=pipeline, actors=actors, places=places, events=out_events,
                     relations=out_relations)


def extract_articles(articles: Iterable[Article], *, model: str | None = None, batch_size: int = 8,
                     errors: list[KgError] | None = None) -> Iterator[DocRecord]:
    """Run the extraction pipeline over articles, yielding one record each."""
    nlp = build_pipeline(model)
    label = pipeline_label(nlp)

    def docs():
        for art in articles:
            if len(art.text) > MAX_CHARS:
                err = InputError(art.source, f"article is {len(art.text):,} characters, more than the {MAX_CHARS:,} the pipeline takes")
                if errors is None:
                    raise err
                errors.append(err)
                continue
            doc = nlp.make_doc(art.text)
            doc._.kg_published = art.published
            doc._.kg_doc_id = art.doc_id
            yield doc, art

    for doc, art in nlp.pipe(docs(), as_tuples=True, batch_size=batch_size):
        yield doc_to_record(doc, art, label)


def extract_paths(paths: Iterable[str | Path], *, model: str | None = None, progress: bool = False,
                  errors: list[KgError] | None = None) -> Iterator[DocRecord]:
    """Records for every article in the given files and folders (.txt, .html, .jsonl; recursive).

    Bad files and lines go to ``errors`` when it is a list (and the rest is processed),
    else the first one raises.
    """
    articles: Iterable[Article] = iter_articles(paths, errors=errors)
    if progress:
        from tqdm import tqdm

        articles = tqdm(articles, desc="extract", unit="doc")
    yield from extract_articles(articles, model=model, errors=errors)
