-- +goose Up
-- Only the roles of logged-in users may write to the audit trail: anonymous requests read only
-- published figures and have nothing to record, so their role cannot append forged entries.
REVOKE EXECUTE ON FUNCTION audit_append(text, text, text, text, text) FROM abitare_public;
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, text)
    TO abitare_planner, abitare_linkage_officer, abitare_administrator;

-- Record keys (the cell-key method's per-person noise seeds) from the operating system's
-- cryptographic generator (gen_random_uuid uses pg_strong_random), not random(): a predictable
-- key would let someone who knows the generator's state undo the perturbation. Existing keys are
-- kept, so that published figures do not change.
ALTER TABLE people ALTER COLUMN record_key
    SET DEFAULT (('x' || left(gen_random_uuid()::text, 8))::bit(32)::int & 2147483647); -- a v4 UUID's first 32 bits are random

-- +goose Down
ALTER TABLE people ALTER COLUMN record_key SET DEFAULT floor(random() * 2147483648)::integer;
REVOKE EXECUTE ON FUNCTION audit_append(text, text, text, text, text)
    FROM abitare_planner, abitare_linkage_officer, abitare_administrator;
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, text) TO abitare_public;
