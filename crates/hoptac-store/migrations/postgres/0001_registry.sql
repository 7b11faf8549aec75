-- PostgreSQL: dates as DATE, times as TIMESTAMPTZ, and sort keys compared bytewise.
-- Registry: organisations (current state, derived from their history), their append-only
-- history, links, and the place overlays administrators add. Same tables and columns as
-- migrations/sqlite/0001_registry.sql (a test checks it).
CREATE TABLE id_counters (
    name TEXT PRIMARY KEY,
    next_id BIGINT NOT NULL
);
INSERT INTO id_counters (name, next_id) VALUES ('organisation', 1), ('link', 1), ('place_overlay', 1);

CREATE TABLE organisations (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    tax_code TEXT,
    registration_number TEXT,
    registering_body TEXT,
    place_scheme TEXT,
    place_code TEXT,
    commune_2025 TEXT,
    legacy_commune TEXT,
    legacy_district TEXT,
    province_2025 TEXT,
    sector TEXT,
    founding_date DATE,
    status TEXT NOT NULL,
    suspended_until DATE,
    search_key TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    match_key TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organisations_tax_code ON organisations (tax_code);
CREATE INDEX organisations_sort ON organisations (sort_key, id);
CREATE INDEX organisations_registration ON organisations (registration_number, registering_body);
CREATE INDEX organisations_match ON organisations (match_key);
CREATE INDEX organisations_commune_2025 ON organisations (commune_2025);
CREATE INDEX organisations_legacy_district ON organisations (legacy_district);
CREATE INDEX organisations_legacy_commune ON organisations (legacy_commune);
CREATE INDEX organisations_founding ON organisations (founding_date);

CREATE TABLE org_changes (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    seq BIGINT NOT NULL,
    effective DATE NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    source TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX org_changes_effective ON org_changes (effective);

CREATE TABLE org_links (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL REFERENCES organisations (id),
    object_id BIGINT NOT NULL REFERENCES organisations (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX org_links_subject ON org_links (subject_id);
CREATE INDEX org_links_object ON org_links (object_id);

CREATE TABLE place_overlays (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    legacy_code TEXT NOT NULL,
    body TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL
);
