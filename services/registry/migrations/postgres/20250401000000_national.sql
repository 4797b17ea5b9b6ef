-- Every district of Indonesia: provinces join the tree (level 0); villages
-- added from the national list have no counts until Dukcapil's are
-- imported (NULL, never an invented zero); each district may have its own
-- office, where its teams start.
ALTER TABLE regions DROP CONSTRAINT regions_level_check;
ALTER TABLE regions ADD CONSTRAINT regions_level_check CHECK (level IN (0, 1, 2, 3));
ALTER TABLE regions
    ALTER COLUMN ktp_el_recorded DROP NOT NULL,
    ALTER COLUMN ikd_activated DROP NOT NULL,
    ADD COLUMN office_latitude DOUBLE PRECISION
        CHECK (office_latitude >= -90 AND office_latitude <= 90),
    ADD COLUMN office_longitude DOUBLE PRECISION
        CHECK (office_longitude >= -180 AND office_longitude <= 180),
    ADD CONSTRAINT regions_counts_together
        CHECK ((ktp_el_recorded IS NULL) = (ikd_activated IS NULL)),
    ADD CONSTRAINT regions_office_together
        CHECK ((office_latitude IS NULL) = (office_longitude IS NULL));
