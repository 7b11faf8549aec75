-- Lists of one kind in name order read this index instead of every row: the
-- classification list (every HTX and LHHTX of a year). On SQLite the index also keeps
-- the search key (for searches within a kind); PostgreSQL searches through pg_trgm,
-- whose plans a search key here would only confuse.
CREATE INDEX organisations_kind_sort ON organisations (kind, sort_key, id);
