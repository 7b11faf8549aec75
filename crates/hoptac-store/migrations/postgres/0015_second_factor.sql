-- A second factor (TOTP, RFC 6238) per account that turned it on. The secret must be
-- readable to check a code, so it is stored as is; the last step used stops a code
-- from being replayed. The audit trail vouches for the secret, not the last step.
CREATE TABLE second_factors (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
