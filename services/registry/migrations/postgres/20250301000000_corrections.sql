-- Corrections: a wrong ledger entry is corrected by a new entry that refers
-- to it, says why, and adds the difference (negative to take some back).
ALTER TABLE activations
    ADD COLUMN corrects BIGINT REFERENCES activations (id),
    ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE activations DROP CONSTRAINT activations_count_check;
ALTER TABLE activations ADD CONSTRAINT activations_count_check
    CHECK (count > 0 OR (corrects IS NOT NULL AND count <> 0));
CREATE INDEX activations_corrects ON activations (corrects);
