-- API tokens get an id (to list and revoke them by) and an expiry.
-- Tokens issued before this version keep no expiry; they are listed so that an
-- administrator can revoke them.
ALTER TABLE api_tokens ADD COLUMN id BIGINT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens SET id = numbered.n
FROM (SELECT token_hash, row_number() OVER (ORDER BY created_at, token_hash) AS n FROM api_tokens) AS numbered
WHERE api_tokens.token_hash = numbered.token_hash;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
INSERT INTO id_counters (name, next_id) SELECT 'api_token', COALESCE(MAX(id), 0) + 1 FROM api_tokens;
