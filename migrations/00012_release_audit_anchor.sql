-- +goose Up
-- Each release records the audit trail's newest entry (seq and hash): the manifest the
-- data-protection officer files away then anchors the trail (abitare audit verify --anchor).
ALTER TABLE releases ADD COLUMN audit_head jsonb;

-- +goose Down
ALTER TABLE releases DROP COLUMN audit_head;
