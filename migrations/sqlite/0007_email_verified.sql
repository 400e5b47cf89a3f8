-- Konfid schema 7 (SQLite): when the subject's email address was confirmed by its owner
-- (double opt-in); 0 while it is not, and again after the address changes.
ALTER TABLE subjects ADD COLUMN email_verified_at INTEGER NOT NULL DEFAULT 0;
