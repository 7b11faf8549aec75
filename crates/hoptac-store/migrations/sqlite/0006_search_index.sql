-- A trigram index over the diacritic-free search text, so that "hop tac" finds
-- "Hợp tác" anywhere in a name without reading every row (national registries).
-- The FTS5 table stores no copy of the text (content is the organisations table);
-- triggers keep it in step with every insert, update and delete.
CREATE VIRTUAL TABLE org_search USING fts5(
    search_key, tokenize = 'trigram', content = 'organisations', content_rowid = 'id'
);
CREATE TRIGGER org_search_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO org_search (rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER org_search_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO org_search (org_search, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER org_search_update AFTER UPDATE OF search_key ON organisations BEGIN
    INSERT INTO org_search (org_search, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO org_search (rowid, search_key) VALUES (new.id, new.search_key);
END;
INSERT INTO org_search (org_search) VALUES ('rebuild');
