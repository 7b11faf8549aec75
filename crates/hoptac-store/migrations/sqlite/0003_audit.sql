-- The audit trail: one row per transaction that changed data, append-only and
-- hash-chained (each row's hash covers the previous row's hash). audit_head holds the
-- last link so concurrent writers take turns (a row lock on PostgreSQL).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT,
    entries TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
