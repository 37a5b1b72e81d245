// attacks-by: events of one type (attack by default) an actor carried out, whose date overlaps a period.
// param actor (str): actor id, name or alias (case-insensitive)
// param from (date, optional): start of the period (2024 means 2024-01-01)
// param to (date_end, optional): end of the period (2024 means 2024-12-31)
// param type (str, default attack): event type, e.g. attack, armed_clash, bombing, abduction
// Undated events are left out once a bound is given.
MATCH (a:Actor)
WHERE a.id = $actor OR toLower($actor) IN a.names_lc
MATCH (a)-[:AGENT_OF]->(e:Event {type: $type})
WHERE ($from IS NULL OR e.date_to >= $from)
  AND ($to IS NULL OR e.date_from <= $to)
OPTIONAL MATCH (e)-[:OCCURRED_AT]->(p:Place)
OPTIONAL MATCH (e)-[:TARGETS]->(t)
WITH a, e, p, collect(DISTINCT t.name) AS targets
RETURN e.date AS date, e.type AS type, a.name AS actor, targets, p.name AS place,
       e.fatalities AS fatalities, size(e.sources) AS n_sources, e.modalities AS modalities, e.key AS fact
ORDER BY e.date_from, e.key
