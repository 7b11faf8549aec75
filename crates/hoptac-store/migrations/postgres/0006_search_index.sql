-- A trigram index over the diacritic-free search text, so that "hop tac" finds
-- "Hợp tác" anywhere in a name without reading every row (national registries).
-- pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the
-- database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX organisations_search_trgm ON organisations USING gin (search_key gin_trgm_ops);
