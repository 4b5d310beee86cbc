-- +goose Up
-- Audit entries say from which address, and with which API token, an access came. Both are
-- part of the chained hash when present; concat_ws skips NULLs, so entries without them hash
-- exactly as before.
ALTER TABLE audit_log ADD COLUMN client text, ADD COLUMN token_id bigint;

-- +goose StatementBegin
CREATE FUNCTION audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text,
                             p_client text, p_token_id bigint)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    last_seq bigint;
    last_hash bytea;
    now_at timestamptz := date_trunc('microseconds', clock_timestamp());
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('abitare audit_log'));
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0) + 1;
    last_hash := coalesce(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    INSERT INTO audit_log (seq, at, actor, role, action, target, purpose, client, token_id, prev_hash, hash)
    VALUES (last_seq, now_at, p_actor, p_role, p_action, p_target, coalesce(p_purpose, ''), p_client, p_token_id, last_hash,
            sha256(last_hash || convert_to(concat_ws(chr(31), last_seq::text,
                to_char(now_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                p_actor, p_role, p_action, p_target, coalesce(p_purpose, ''), p_client, p_token_id::text), 'UTF8')));
    RETURN last_seq;
END $$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION audit_append(text, text, text, text, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, text, text, bigint)
    TO abitare_planner, abitare_linkage_officer, abitare_administrator;

-- +goose Down
DROP FUNCTION audit_append(text, text, text, text, text, text, bigint);
ALTER TABLE audit_log DROP COLUMN client, DROP COLUMN token_id;
