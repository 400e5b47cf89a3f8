-- Konfid schema 9 (PostgreSQL): when an API key was revoked; 0 while it is valid. A revoked
-- key stays listed, so the audit log's `apikey:<id>` actors can still be told apart.
ALTER TABLE api_keys ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0;
