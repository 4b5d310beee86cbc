-- +goose Up
-- Sessions end after SessionIdleTimeout without use, besides their fixed lifetime.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();

-- +goose Down
ALTER TABLE sessions DROP COLUMN last_seen_at;
