-- Versioned documents with an append-only history: annual reports, evaluations,
-- follow-ups and targets. One table pair serves them all (see docs/decisions/0006).
CREATE TABLE documents (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    org_id BIGINT,
    year BIGINT,
    state TEXT,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX documents_year ON documents (kind, year);
CREATE INDEX documents_org ON documents (kind, org_id);

CREATE TABLE document_changes (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    state TEXT,
    body TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    source TEXT,
    note TEXT,
    PRIMARY KEY (kind, id, seq)
);
