-- The five-argument audit_append (migration 00007) predates the client and token columns:
-- an entry appended through it names no client and no token, so a role that could call it
-- could write entries that hide where an access came from. Every caller uses the
-- seven-argument form (package audit); the old one is left to the owner only.

-- +goose Up
REVOKE EXECUTE ON FUNCTION audit_append(text, text, text, text, text)
    FROM abitare_planner, abitare_linkage_officer, abitare_administrator;

-- +goose Down
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, text)
    TO abitare_planner, abitare_linkage_officer, abitare_administrator;
