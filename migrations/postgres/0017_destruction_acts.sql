-- Konfid schema 17 (PostgreSQL): acts of destruction (Roskomnadzor Order 179), one per destruction
-- of a subject's data, kept 3 years. `jws` is the act's claims signed with the tenant's Ed25519
-- key (app/destruction_acts.h): the subject by Konfid's id, field and category names, never a
-- value of the data.
CREATE TABLE destruction_acts (
  tenant_id    TEXT    NOT NULL,
  act_id       TEXT    NOT NULL,
  subject_id   TEXT    NOT NULL,
  destroyed_at BIGINT NOT NULL,
  jws          TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, act_id)
);
CREATE INDEX destruction_acts_by_subject ON destruction_acts (tenant_id, subject_id, act_id);
CREATE INDEX destruction_acts_by_time ON destruction_acts (destroyed_at);
