-- Totals of every province, district and kecamatan, and of the nation (code
-- ''), kept up to date in the same transaction as every change to a
-- village's counts, so that reading a gap never sums villages. Each level
-- is the sum of the one below it; a village's own counts stay on its row.
CREATE TABLE rollups (
    code TEXT PRIMARY KEY NOT NULL,
    ktp_el_recorded BIGINT NOT NULL CHECK (ktp_el_recorded >= 0),
    ikd_activated BIGINT NOT NULL CHECK (ikd_activated >= 0),
    -- The latest update_micros of the villages below; 0 when there are none.
    counts_update_micros BIGINT NOT NULL,
    villages_without_counts BIGINT NOT NULL CHECK (villages_without_counts >= 0)
);

INSERT INTO rollups
    (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts)
    SELECT k.code, COALESCE(SUM(v.ktp_el_recorded), 0), COALESCE(SUM(v.ikd_activated), 0),
        COALESCE(MAX(v.update_micros), 0), COUNT(v.code) - COUNT(v.ktp_el_recorded)
    FROM regions k LEFT JOIN regions v ON v.parent_code = k.code AND v.level = 3
    WHERE k.level = 2 GROUP BY k.code;
INSERT INTO rollups
    (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts)
    SELECT d.code, COALESCE(SUM(u.ktp_el_recorded), 0), COALESCE(SUM(u.ikd_activated), 0),
        COALESCE(MAX(u.counts_update_micros), 0), COALESCE(SUM(u.villages_without_counts), 0)
    FROM regions d
    LEFT JOIN regions k ON k.parent_code = d.code AND k.level = 2
    LEFT JOIN rollups u ON u.code = k.code
    WHERE d.level = 1 GROUP BY d.code;
INSERT INTO rollups
    (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts)
    SELECT p.code, COALESCE(SUM(u.ktp_el_recorded), 0), COALESCE(SUM(u.ikd_activated), 0),
        COALESCE(MAX(u.counts_update_micros), 0), COALESCE(SUM(u.villages_without_counts), 0)
    FROM regions p
    LEFT JOIN regions d ON d.parent_code = p.code AND d.level = 1
    LEFT JOIN rollups u ON u.code = d.code
    WHERE p.level = 0 GROUP BY p.code;
INSERT INTO rollups
    (code, ktp_el_recorded, ikd_activated, counts_update_micros, villages_without_counts)
    SELECT '', COALESCE(SUM(v.ktp_el_recorded), 0), COALESCE(SUM(v.ikd_activated), 0),
        COALESCE(MAX(v.update_micros), 0), COUNT(v.code) - COUNT(v.ktp_el_recorded)
    FROM regions v WHERE v.level = 3;
