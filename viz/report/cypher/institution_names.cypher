// Names and sectors of the few institutions the report lists.
UNWIND $keys AS k
MATCH (i:Institution {key: k})
RETURN i.key AS key, i.name AS name, i.sector AS sector
