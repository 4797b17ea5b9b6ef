-- What planners call a stored plan and where it is in its life. Kept beside
-- the encoded plan, which never changes: GetPlan and ListPlans set these on it.
ALTER TABLE plans ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN state TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE plans ADD COLUMN update_micros BIGINT;
