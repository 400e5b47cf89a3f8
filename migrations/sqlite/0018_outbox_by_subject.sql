-- Konfid schema 18 (SQLite): a subject's messages by (tenant, subject, status), for the
-- destructions that close the pending ones (app/rekey.h). Not a partial index: SQLite 3.40,
-- without statistics, prefers the primary key's tenant prefix to a partial one.
CREATE INDEX outbox_by_subject ON outbox (tenant_id, subject_id, status);
