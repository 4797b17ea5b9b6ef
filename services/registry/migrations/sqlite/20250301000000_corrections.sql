-- Corrections: a wrong ledger entry is corrected by a new entry that refers
-- to it, says why, and adds the difference (negative to take some back).
-- SQLite cannot alter a CHECK, so the ledger is rebuilt once, ids kept, and
-- its append-only triggers set again.
DROP TRIGGER activations_no_update;
DROP TRIGGER activations_no_delete;

CREATE TABLE activations_corrected (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch BIGINT NOT NULL REFERENCES batches (batch),
    region_code TEXT NOT NULL REFERENCES regions (code),
    -- Positive when recorded; a correction may take away (never zero).
    count BIGINT NOT NULL CHECK (count > 0 OR (corrects IS NOT NULL AND count <> 0)),
    activation_date TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('office', 'mobile_team')),
    team TEXT NOT NULL,
    recorded_micros BIGINT NOT NULL,
    -- The recorded entry this one corrects (never a correction itself; the
    -- registry checks that in the same transaction).
    corrects BIGINT,
    reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO activations_corrected
    (id, batch, region_code, count, activation_date, channel, team, recorded_micros)
    SELECT id, batch, region_code, count, activation_date, channel, team, recorded_micros
    FROM activations;
DROP TABLE activations;
ALTER TABLE activations_corrected RENAME TO activations;
CREATE INDEX activations_region_date ON activations (region_code, activation_date);
CREATE INDEX activations_corrects ON activations (corrects);

CREATE TRIGGER activations_no_update BEFORE UPDATE ON activations
BEGIN SELECT RAISE(ABORT, 'the activation ledger is append-only'); END;
CREATE TRIGGER activations_no_delete BEFORE DELETE ON activations
BEGIN SELECT RAISE(ABORT, 'the activation ledger is append-only'); END;
