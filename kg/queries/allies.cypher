// allies: actors allied with an actor (either direction), optionally only alliances known by a date.
// param actor (str): actor id, name or alias (case-insensitive)
// param at (date, optional): keep alliances whose earliest dated source is on or before this date (undated ones are kept)
// Alliances every source denies or only threatens (modality denied/hypothetical) are left out.
MATCH (a:Actor)
WHERE a.id = $actor OR toLower($actor) IN a.names_lc
MATCH (a)-[r:ALLIED_WITH]-(ally:Actor)
WHERE ($at IS NULL OR r.since IS NULL OR r.since <= $at)
  AND any(m IN r.modalities WHERE m IN ['asserted', 'reported', 'unconfirmed'])
RETURN a.name AS actor, ally.id AS ally_id, ally.name AS ally, ally.type AS type,
       r.since AS since, r.modalities AS modalities, r.sources AS sources, r.key AS fact
ORDER BY ally, actor
