-- Bearer tokens (only a hash of each secret) and the audit trail of every
-- change: who (token and role), when, from where, what. The audit trail and
-- the activation ledger are append-only, enforced here as well as in code.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY NOT NULL,
    secret_sha256 BLOB NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'budget', 'field', 'viewer', 'service')),
    display_name TEXT NOT NULL,
    team TEXT NOT NULL,
    -- A JSON array of region codes; empty: no limit by village.
    villages TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_micros BIGINT NOT NULL,
    expire_micros BIGINT,
    revoke_micros BIGINT
);

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
CREATE TRIGGER activations_no_update BEFORE UPDATE ON activations
BEGIN SELECT RAISE(ABORT, 'the activation ledger is append-only'); END;
CREATE TRIGGER activations_no_delete BEFORE DELETE ON activations
BEGIN SELECT RAISE(ABORT, 'the activation ledger is append-only'); END;
