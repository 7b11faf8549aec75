-- Each link also carries a digest of every audited row its transaction wrote (JSON:
-- table → record → digest), covered by the link's hash, so that verification can
-- compare the stored state with what the trail says (decision 0020). Links written
-- before this version have none.
ALTER TABLE audit_log ADD COLUMN digests TEXT;
