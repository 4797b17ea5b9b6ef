-- Stored plans: the encoded jemput.optimizer.v1.Plan, so a planner can fetch
-- an approved plan later exactly as it was returned.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    request_id TEXT UNIQUE,
    create_micros BIGINT NOT NULL,
    plan BYTEA NOT NULL
);
CREATE INDEX plans_by_time ON plans (create_micros DESC, id DESC);
