// sources: the documents, sentences, offsets, modality and evidence behind a fact.
// param fact (str, optional): an event key (attack-0123abcd...) or a relation key (subject|predicate|object)
// param subject (str, optional): relation subject: actor id, name or alias (case-insensitive)
// param predicate (str, optional): relation predicate, e.g. hostile_to
// param object (str, optional): relation object: actor id, name or alias (case-insensitive)
// Give either fact, or subject, predicate and object (either order for allied_with / hostile_to).
CALL () {
  MATCH (f:Event {key: $fact})-[r:REPORTED_IN]->(d:Document)
  RETURN f, r, d
  UNION
  MATCH (f:Statement {key: $fact})-[r:REPORTED_IN]->(d:Document)
  RETURN f, r, d
  UNION
  MATCH (s:Actor)<-[:SUBJECT]-(f:Statement {predicate: $predicate})-[:OBJECT]->(o:Actor)
  WHERE ((s.id = $subject OR toLower($subject) IN s.names_lc) AND (o.id = $object OR toLower($object) IN o.names_lc))
     OR (f.symmetric AND (s.id = $object OR toLower($object) IN s.names_lc)
                     AND (o.id = $subject OR toLower($subject) IN o.names_lc))
  MATCH (f)-[r:REPORTED_IN]->(d:Document)
  RETURN f, r, d
}
RETURN f.key AS fact, d.doc_id AS document, d.published AS published, r.sentence AS sentence,
       r.start AS start, r.end AS end, r.modality AS modality, r.evidence AS evidence,
       r.extractor AS extractor
ORDER BY fact, document, sentence, start
