-- The optimizer's audit trail: who stored each plan, when, from where.
-- Append-only: the code never changes a row and this trigger refuses to.
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
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
