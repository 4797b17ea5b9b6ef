-- The optimizer's audit trail: who stored each plan, when, from where.
-- Append-only: the code never changes a row and these triggers refuse to.
CREATE TABLE audit (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    time_micros BIGINT NOT NULL,
    token TEXT NOT NULL,
    role TEXT NOT NULL,
    peer TEXT NOT NULL,
    forwarded_for TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    request_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
