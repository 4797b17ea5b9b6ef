-- The few regions with a target of their own (provinces and districts
-- mostly), read with every list of gaps: without it PostgreSQL scans
-- every region for them.
CREATE INDEX regions_targets ON regions (code) WHERE target_fraction IS NOT NULL;
