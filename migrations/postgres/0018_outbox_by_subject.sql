-- Konfid schema 18 (PostgreSQL): a subject's messages by (tenant, subject, status), for the
-- destructions that close the pending ones (app/rekey.h). The same index as SQLite's.
CREATE INDEX outbox_by_subject ON outbox (tenant_id, subject_id, status);
