-- Lists of one kind in name order (the classification list: every HTX and LHHTX of a
-- year) read this index alone instead of every organisation's row.
CREATE INDEX organisations_kind_sort ON organisations (kind, sort_key, id);
