-- Konfid schema 8 (PostgreSQL): a material version is announced by email when it is
-- published (the policy's [publication] notice_days ahead), as well as noticed with a link to
-- decide once it is in force. Each has a run of its own: `kind` is 'notice' or 'announcement'.
ALTER TABLE policy_notices ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE policy_notices DROP CONSTRAINT policy_notices_pkey;
ALTER TABLE policy_notices ADD PRIMARY KEY (tenant_id, version, kind);
