// shortest-path: the shortest chain of actor relations and shared events linking two actors, one row per step.
// param a (str): first actor id, name or alias (case-insensitive)
// param b (str): second actor id, name or alias (case-insensitive)
// Paths follow the typed actor relations and AGENT_OF / TARGETS through events, up to 8 steps.
MATCH (x:Actor)
WHERE x.id = $a OR toLower($a) IN x.names_lc
MATCH (y:Actor)
WHERE (y.id = $b OR toLower($b) IN y.names_lc) AND x <> y
MATCH path = shortestPath((x)-[:ALLIED_WITH|HOSTILE_TO|AFFILIATED_WITH|PART_OF|MERGED_INTO|SPLIT_FROM|SUCCESSOR_OF|LEADS|SUPPORTS|AGENT_OF|TARGETS*..8]-(y))
WITH path ORDER BY length(path) LIMIT 1
UNWIND range(0, length(path) - 1) AS i
WITH i, nodes(path)[i] AS n1, relationships(path)[i] AS r, nodes(path)[i + 1] AS n2
RETURN i + 1 AS step,
       coalesce(n1.name, n1.type + ' ' + coalesce(n1.date, '(undated)')) AS from,
       CASE WHEN type(r) IN ['ALLIED_WITH', 'HOSTILE_TO'] THEN '- ' + type(r) + ' -'
            WHEN startNode(r) = n1 THEN type(r) + ' ->' ELSE '<- ' + type(r) END AS relation,
       coalesce(n2.name, n2.type + ' ' + coalesce(n2.date, '(undated)')) AS to,
       coalesce(r.key, n1.key, n2.key) AS fact
ORDER BY step
