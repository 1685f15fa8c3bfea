MATCH (c:Category) RETURN c.key AS key, c.name AS name, c.name_en AS name_en ORDER BY c.key
