// timeline: every event an actor took part in (as agent or target), in date order (undated last).
// param actor (str): actor id, name or alias (case-insensitive)
MATCH (a:Actor)
WHERE a.id = $actor OR toLower($actor) IN a.names_lc
MATCH (a)-[role:AGENT_OF|TARGETS]-(e:Event)
OPTIONAL MATCH (e)-[:OCCURRED_AT]->(p:Place)
OPTIONAL MATCH (agent:Actor)-[:AGENT_OF]->(e)
OPTIONAL MATCH (e)-[:TARGETS]->(t)
WITH a, e, role, p, collect(DISTINCT agent.name) AS agents, collect(DISTINCT t.name) AS targets
RETURN e.date AS date, e.type AS type,
       CASE type(role) WHEN 'AGENT_OF' THEN 'agent' ELSE 'target' END AS role,
       agents, targets, p.name AS place, e.fatalities AS fatalities,
       size(e.sources) AS n_sources, e.key AS fact
ORDER BY e.date_from IS NULL, e.date_from, e.date, e.key
