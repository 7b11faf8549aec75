-- Lists of one kind in name order read this index alone instead of every row: the
-- classification list (every HTX and LHHTX of a year), and searches within a kind,
-- whose words are matched against the search key kept here too (on a national
-- registry a search for HTX then counts its matches without reading a single row).
CREATE INDEX organisations_kind_sort ON organisations (kind, sort_key, id, search_key);
