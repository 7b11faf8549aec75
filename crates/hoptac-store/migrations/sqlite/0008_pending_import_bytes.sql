-- Uploaded files are kept as bytes (BLOB), no longer as hex text: half the size, and no
-- decoding step that can fail. SQLite cannot change a column's type, so the table is
-- rebuilt; rows whose text is not hex could never be imported and are left behind.
CREATE TABLE pending_imports_bytes (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    kind TEXT,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO pending_imports_bytes (token_hash, user_id, file_name, kind, content, created_at)
    SELECT token_hash, user_id, file_name, kind, unhex(content), created_at
    FROM pending_imports
    WHERE unhex(content) IS NOT NULL;
DROP TABLE pending_imports;
ALTER TABLE pending_imports_bytes RENAME TO pending_imports;
