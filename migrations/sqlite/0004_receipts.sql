-- Konfid schema 4 (SQLite): each tenant's Ed25519 receipt key (the secret wrapped by the
-- master key) and the signed receipt of each consent event.
ALTER TABLE tenants ADD COLUMN receipt_public_key BLOB NOT NULL DEFAULT X'';
ALTER TABLE tenants ADD COLUMN wrapped_receipt_key BLOB NOT NULL DEFAULT X'';
ALTER TABLE consent_events ADD COLUMN receipt TEXT NOT NULL DEFAULT '';
CREATE INDEX consent_events_by_id ON consent_events (tenant_id, event_id);
