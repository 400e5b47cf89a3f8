-- Konfid schema 19 (PostgreSQL): technical events of a site's pages and visitors' cookie choices
-- (app/tech_events.h, docs/events.md). Tied to no subject and never joined to one: no column
-- names a subject, the IP address is truncated (/24, /48) and the visitor is a keyed hash of
-- the first-party id the site's script made. Event ids sort by arrival: the purge deletes the
-- lowest ids of a tenant, by the primary key.
CREATE TABLE tech_events (
  tenant_id   TEXT    NOT NULL,
  event_id    TEXT    NOT NULL,
  at          BIGINT  NOT NULL,
  kind        TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  visitor     BYTEA   NOT NULL,
  page        TEXT    NOT NULL,
  referrer    TEXT    NOT NULL,
  user_agent  TEXT    NOT NULL,
  duration_ms BIGINT  NOT NULL,
  ip          TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE TABLE cookie_choices (
  tenant_id      TEXT    NOT NULL,
  visitor        BYTEA   NOT NULL,
  choice_id      TEXT    NOT NULL,
  chosen_at      BIGINT  NOT NULL,
  policy_version BIGINT  NOT NULL,
  granted        TEXT    NOT NULL,
  gpc            BIGINT  NOT NULL,
  ip             TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, visitor, choice_id)
);
CREATE INDEX cookie_choices_by_time ON cookie_choices (tenant_id, chosen_at);
