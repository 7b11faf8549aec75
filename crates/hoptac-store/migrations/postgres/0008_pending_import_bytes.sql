-- Uploaded files are kept as bytes (BYTEA), no longer as hex text: half the size, and no
-- decoding step that can fail. Rows whose text is not hex could never be imported and
-- are left behind (decode would refuse them and stop the migration).
DELETE FROM pending_imports WHERE content !~ '^([0-9a-fA-F]{2})*$';
ALTER TABLE pending_imports ALTER COLUMN content TYPE BYTEA USING decode(content, 'hex');
