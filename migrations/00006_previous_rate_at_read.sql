-- The previous period's rate is joined when figures are read, not copied into every row: the
-- periods of a year are computed in parallel, and an update of every row cost more than the
-- rest of a period's work.

-- +goose Up
ALTER TABLE area_indicators DROP COLUMN previous_rate;

-- +goose Down
ALTER TABLE area_indicators ADD COLUMN previous_rate double precision;
