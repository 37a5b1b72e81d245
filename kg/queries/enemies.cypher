// enemies: actors hostile to an actor (either direction), optionally only hostilities known by a date.
// param actor (str): actor id, name or alias (case-insensitive)
// param at (date, optional): keep hostilities whose earliest dated source is on or before this date (undated ones are kept)
// Hostilities every source denies or only threatens (modality denied/hypothetical) are left out.
MATCH (a:Actor)
WHERE a.id = $actor OR toLower($actor) IN a.names_lc
MATCH (a)-[r:HOSTILE_TO]-(enemy:Actor)
WHERE ($at IS NULL OR r.since IS NULL OR r.since <= $at)
  AND any(m IN r.modalities WHERE m IN ['asserted', 'reported', 'unconfirmed'])
RETURN a.name AS actor, enemy.id AS enemy_id, enemy.name AS enemy, enemy.type AS type,
       r.since AS since, r.modalities AS modalities, r.sources AS sources, r.key AS fact
ORDER BY enemy, actor
