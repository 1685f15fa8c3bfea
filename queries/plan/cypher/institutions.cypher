MATCH (inst:Institution) WHERE inst.key IN $keys
RETURN inst.key AS key, inst.name AS name, inst.city AS city, inst.kind AS kind, inst.sector AS sector
