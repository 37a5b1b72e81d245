// events-near: events that took place at a place or within a distance of it, nearest first.
// param place (str): place id, name or alias (case-insensitive)
// param km (float, default 50): radius in kilometres
MATCH (c:Place)
WHERE c.id = $place OR toLower($place) IN c.names_lc
CALL (c) {
  MATCH (p:Place)
  WHERE point.distance(p.location, c.location) <= $km * 1000.0
  RETURN p
  UNION
  RETURN c AS p
}
MATCH (e:Event)-[:OCCURRED_AT]->(p)
WITH DISTINCT e, p, c
OPTIONAL MATCH (agent:Actor)-[:AGENT_OF]->(e)
WITH e, p, c, collect(DISTINCT agent.name) AS agents
RETURN e.date AS date, e.type AS type, agents, p.name AS place,
       round(coalesce(point.distance(p.location, c.location), 0.0) / 1000.0, 1) AS km,
       e.fatalities AS fatalities, size(e.sources) AS n_sources, e.key AS fact
ORDER BY km, e.date_from, e.key
