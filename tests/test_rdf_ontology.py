"""The OWL ontology and SHACL shapes: they parse, document every term, agree with the
typed namespace, and mirror ontology/event_types.yaml (labels and ACLED mapping)."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.models import ActorType, EventType, Modality, PlaceType, Predicate
from kg.rdf import CKG
from kg.rdf.namespace import ACLED_NS, CKG_NS, PREFIXES
from kg.rdf.shacl import ontology_graph, shapes_graph
from kg.taxonomy import event_types

SH = "http://www.w3.org/ns/shacl#"


def _ckg_subjects(g):
    return {s for s in g.subjects() if isinstance(s, URIRef) and s.startswith(CKG_NS)}


def test_ontology_declares_exactly_the_typed_namespace():
    g = ontology_graph()
    declared = {str(s)[len(CKG_NS):] for s in _ckg_subjects(g)}
    assert declared == set(CKG.__annotations__)


def test_every_term_has_a_label_and_a_comment():
    g = ontology_graph()
    for s in _ckg_subjects(g):
        assert g.value(s, RDFS.label) is not None, s
        assert g.value(s, RDFS.comment) is not None, s
    for s in g.subjects(RDF.type, SKOS.Concept):
        assert g.value(s, SKOS.prefLabel) is not None, s


def test_ontology_covers_the_model_enums():
    g = ontology_graph()
    actor_classes = {s for s in g.subjects(RDFS.subClassOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Actor"))}
    assert len(actor_classes) == len(ActorType)
    place_classes = {s for s in g.subjects(RDFS.subClassOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Place"))}
    assert place_classes == {CKG[t.value] for t in PlaceType}
    for p in Predicate:
        assert (CKG[p.value], RDF.type, OWL.ObjectProperty) in g
    assert set(g.subjects(RDF.type, OWL.SymmetricProperty)) == {CKG.allied_with, CKG.hostile_to}
    assert set(g.subjects(RDF.type, CKG.Modality)) == {CKG[m.value] for m in Modality}


def test_event_types_agree_with_event_types_yaml():
    g = ontology_graph()
    in_ttl = set(g.subjects(SKOS.inScheme, CKG.EventTypeScheme))
    assert in_ttl == {CKG[t.value] for t in EventType}
    for et, info in event_types().items():
        node = CKG[et.value]
        assert g.value(node, RDFS.label) == Literal(info.label, lang="en")
        assert g.value(node, RDFS.comment) == Literal(info.comment, lang="en")
        assert g.value(node, CKG.acledEventType) == (Literal(info.acled_event_type) if info.acled_event_type else None)
        assert g.value(node, CKG.acledSubEventType) == (
            Literal(info.acled_sub_event_type) if info.acled_sub_event_type else None
        )
        match = g.value(node, SKOS.closeMatch)
        if info.acled_event_type is None:
            assert match is None and g.value(node, SKOS.scopeNote) is not None
            continue
        assert match.startswith(ACLED_NS)
        if info.acled_sub_event_type:
            assert g.value(match, SKOS.prefLabel) == Literal(info.acled_sub_event_type, lang="en")
            match = g.value(match, SKOS.broader)
        assert g.value(match, SKOS.prefLabel) == Literal(info.acled_event_type, lang="en")


def test_shapes_use_only_defined_terms():
    shapes = shapes_graph()
    onto = ontology_graph()
    used = {o for t in shapes for o in t if isinstance(o, URIRef) and o.startswith(CKG_NS)}
    assert used and used <= _ckg_subjects(onto)
    assert len(set(shapes.subjects(RDF.type, URIRef(SH + "NodeShape")))) >= 8


def test_prefixes_in_the_queries_match_the_namespaces():
    from importlib import resources

    for f in resources.files("kg").joinpath("queries").iterdir():
        if not f.name.endswith(".rq"):
            continue
        for prefix, ns in re.findall(r"^PREFIX (\w+): <([^>]+)>", f.read_text(encoding="utf-8"), re.M):
            assert PREFIXES[prefix] == ns, (f.name, prefix)
