-- Failed sign-ins remember the address they came from, so that throttling can count
-- per account and address, per address, and per account (hoptac_domain::throttle).
ALTER TABLE failed_logins ADD COLUMN source TEXT;
CREATE INDEX failed_logins_source ON failed_logins (source, at);
