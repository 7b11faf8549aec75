-- Files uploaded through the web page, kept between the preview (a dry run) and the
-- confirmation, so any app server can finish the import. Removed once imported.
CREATE TABLE pending_imports (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    kind TEXT,
    content TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
