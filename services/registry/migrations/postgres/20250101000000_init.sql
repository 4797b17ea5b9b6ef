-- Regions, their counts and targets; the activation ledger; the batches that
-- make writes idempotent. Times are microseconds since the Unix epoch so that
-- both engines store and compare them the same way.
CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    level BIGINT NOT NULL CHECK (level IN (1, 2, 3)),
    kind TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    area_km2 DOUBLE PRECISION NOT NULL,
    boundary_geojson TEXT,
    target_fraction DOUBLE PRECISION CHECK (target_fraction > 0 AND target_fraction <= 1),
    target_update_micros BIGINT,
    -- Counts are kept on villages only; higher levels are sums.
    ktp_el_recorded BIGINT NOT NULL CHECK (ktp_el_recorded >= 0),
    ikd_activated BIGINT NOT NULL CHECK (ikd_activated >= 0 AND ikd_activated <= ktp_el_recorded),
    update_micros BIGINT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);
CREATE INDEX regions_level ON regions (level, code);

CREATE TABLE batches (
    batch BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    payload_sha256 BYTEA NOT NULL,
    -- The answer given the first time, replayed to retries.
    response TEXT NOT NULL,
    created_micros BIGINT NOT NULL
);

CREATE TABLE activations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch BIGINT NOT NULL REFERENCES batches (batch),
    region_code TEXT NOT NULL REFERENCES regions (code),
    count BIGINT NOT NULL CHECK (count > 0),
    activation_date TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('office', 'mobile_team')),
    team TEXT NOT NULL,
    recorded_micros BIGINT NOT NULL
);
CREATE INDEX activations_region_date ON activations (region_code, activation_date);
