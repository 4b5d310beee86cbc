-- +goose Up
-- The events of an extract replaced by a newer one are kept here, not deleted, so that rolling
-- the newer batch back restores them. Only the owner reads this table: no role is granted it.
CREATE TABLE superseded_events (LIKE events INCLUDING DEFAULTS);
CREATE INDEX superseded_events_batch ON superseded_events (batch_id);
REVOKE ALL ON superseded_events FROM PUBLIC;

-- +goose Down
DROP TABLE superseded_events;
