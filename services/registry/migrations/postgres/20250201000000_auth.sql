-- Bearer tokens (only a hash of each secret) and the audit trail of every
-- change: who (token and role), when, from where, what. The audit trail and
-- the activation ledger are append-only, enforced here as well as in code.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY NOT NULL,
    secret_sha256 BYTEA NOT NULL,
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
    sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER activations_append_only BEFORE UPDATE OR DELETE ON activations
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
