-- Every district of Indonesia: provinces join the tree (level 0); villages
-- added from the national list have no counts until Dukcapil's are
-- imported (NULL, never an invented zero); each district may have its own
-- office, where its teams start. SQLite cannot alter a CHECK or drop a NOT
-- NULL, so the table is rebuilt once with its rows. The ledger refers to
-- it, so foreign keys must be off while the tables are swapped; SQLite
-- allows that only outside a transaction, so the registry runs its SQLite
-- migrations on a connection of their own with foreign keys off (see
-- `Store::open`).

CREATE TABLE regions_national (
    code TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level IN (0, 1, 2, 3)),
    kind TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    area_km2 DOUBLE PRECISION NOT NULL,
    boundary_geojson TEXT,
    target_fraction DOUBLE PRECISION CHECK (target_fraction > 0 AND target_fraction <= 1),
    target_update_micros BIGINT,
    -- Counts are kept on villages only; higher levels are sums. NULL: no
    -- counts yet (both or neither).
    ktp_el_recorded BIGINT CHECK (ktp_el_recorded >= 0),
    ikd_activated BIGINT CHECK (ikd_activated >= 0 AND ikd_activated <= ktp_el_recorded),
    update_micros BIGINT NOT NULL,
    -- A district's Dukcapil office; NULL: the district's own point.
    office_latitude DOUBLE PRECISION CHECK (office_latitude >= -90 AND office_latitude <= 90),
    office_longitude DOUBLE PRECISION CHECK (office_longitude >= -180 AND office_longitude <= 180),
    CONSTRAINT regions_counts_together CHECK ((ktp_el_recorded IS NULL) = (ikd_activated IS NULL)),
    CONSTRAINT regions_office_together CHECK ((office_latitude IS NULL) = (office_longitude IS NULL))
);
INSERT INTO regions_national
    (code, display_name, level, kind, parent_code, latitude, longitude, area_km2,
     boundary_geojson, target_fraction, target_update_micros, ktp_el_recorded,
     ikd_activated, update_micros)
    SELECT code, display_name, level, kind, parent_code, latitude, longitude, area_km2,
        boundary_geojson, target_fraction, target_update_micros, ktp_el_recorded,
        ikd_activated, update_micros
    FROM regions;
DROP TABLE regions;
ALTER TABLE regions_national RENAME TO regions;
CREATE INDEX regions_parent ON regions (parent_code);
CREATE INDEX regions_level ON regions (level, code);
