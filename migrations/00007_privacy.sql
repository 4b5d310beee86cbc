-- Privacy by construction: users and roles, a hash-chained audit trail, cell keys for
-- disclosure control, the protected public tables with their release manifest, and the
-- PostgreSQL roles that enforce the same split as the server (docs/privacy.md).

-- +goose Up

-- Users log in with a password (argon2id, PHC string); scripts use API tokens and the web app
-- a session cookie, both stored only as SHA-256 of a 256-bit random secret.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,64}$'),
    role text NOT NULL CHECK (role IN ('planner', 'housing_office', 'linkage_officer', 'administrator')),
    password_hash text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    last_used_at timestamptz
);

CREATE TABLE sessions (
    id_hash bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- The audit trail. Each entry's hash covers the previous entry's hash and its own fields, so
-- that a changed, inserted or removed entry breaks the chain (abitare audit verify). Entries
-- are written only through audit_append, which serialises writers; updates are refused always,
-- deletions before the retention period (6 months) has passed.
CREATE TABLE audit_log (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    purpose text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text)
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
    INSERT INTO audit_log (seq, at, actor, role, action, target, purpose, prev_hash, hash)
    VALUES (last_seq, now_at, p_actor, p_role, p_action, p_target, coalesce(p_purpose, ''), last_hash,
            sha256(last_hash || convert_to(concat_ws(chr(31), last_seq::text,
                to_char(now_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                p_actor, p_role, p_action, p_target, coalesce(p_purpose, '')), 'UTF8')));
    RETURN last_seq;
END $$;

CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '6 months' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused (entries are kept at least 6 months)', TG_OP;
END $$;

CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused';
END $$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

-- Cell keys: a persistent uniform random key per person; a cell's key is the sum of its
-- people's keys modulo 2^31, kept beside each true count.
ALTER TABLE people ADD COLUMN record_key integer NOT NULL DEFAULT floor(random() * 2147483648)::integer
    CHECK (record_key >= 0);
ALTER TABLE area_indicators ADD COLUMN cell_key bigint;
ALTER TABLE area_overlap ADD COLUMN cell_key bigint;

-- The secret that gives empty cells (which have no records) their deterministic cell key.
CREATE TABLE release_secret (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    secret bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO release_secret (secret)
SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');

-- One row per publication: what the data-protection officer reviews.
CREATE TABLE releases (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    method text NOT NULL,
    threshold integer NOT NULL,
    parameters jsonb NOT NULL,                -- internal: maximum deviation and variance
    key_id text NOT NULL,                     -- perturbation table and zero-cell secret fingerprints
    budget text NOT NULL,
    periods text[] NOT NULL,
    health_geographies text[] NOT NULL,
    summary jsonb NOT NULL,                   -- figures by geography and status
    utility jsonb NOT NULL                    -- mean absolute error added to rates, by geography
);

-- The published figures of the latest release: the only person-derived data anonymous users
-- can read.
CREATE TABLE public_indicators (
    release_id bigint NOT NULL REFERENCES releases (id),
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    indicator text NOT NULL,
    residents integer NOT NULL,               -- census-based denominator, not perturbed
    people integer,                           -- protected count; NULL when suppressed
    rate double precision,                    -- from the protected count, per 1,000
    status text NOT NULL CHECK (status IN ('protected', 'suppressed', 'not applicable')),
    PRIMARY KEY (geography, period, indicator, area_id)
);

CREATE TABLE public_overlap (
    release_id bigint NOT NULL REFERENCES releases (id),
    period text NOT NULL,
    combination text NOT NULL,
    people integer,
    status text NOT NULL CHECK (status IN ('protected', 'suppressed', 'not applicable')),
    PRIMARY KEY (period, combination)
);

-- The manifest as the public may see it: without the internal parameters.
CREATE VIEW public_releases AS
SELECT id, created_at, method, threshold, key_id, budget, periods, health_geographies, summary
FROM releases;

-- Aggregate-only views of person-level tables, for the planner: computed with the owner's
-- rights, returning counts only.
-- +goose StatementBegin
CREATE FUNCTION category_counts(p_start date, p_end date, p_indicator text, p_year int)
RETURNS TABLE (dimension text, category text, residents int, in_need int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
), disabled AS (SELECT DISTINCT person FROM events WHERE kind = 'disability'),
pop AS (
    SELECT r.sex, r.citizenship, r.household_type,
           CASE WHEN p_year - r.birth_year < 15 THEN '00-14' WHEN p_year - r.birth_year < 25 THEN '15-24'
                WHEN p_year - r.birth_year < 45 THEN '25-44' WHEN p_year - r.birth_year < 65 THEN '45-64'
                WHEN p_year - r.birth_year < 80 THEN '65-79' ELSE '80+' END AS age,
           d.person IS NOT NULL AS disabled, n.person IS NOT NULL AS in_need
    FROM residents r LEFT JOIN disabled d ON d.person = r.pseudonym LEFT JOIN need n ON n.person = r.pseudonym
)
SELECT v.dimension, v.category, count(*)::int, count(*) FILTER (WHERE in_need)::int
FROM pop, LATERAL (VALUES ('age', age), ('sex', sex::text), ('citizenship', citizenship),
                          ('household_type', lower(household_type)), ('disability', CASE WHEN disabled THEN 'yes' ELSE 'no' END)) v(dimension, category)
GROUP BY 1, 2 ORDER BY 1, 2
$$;

CREATE FUNCTION unclassified_need(p_start date, p_end date, p_indicator text)
RETURNS int LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
)
SELECT count(*)::int FROM need n WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.pseudonym = n.person)
$$;

CREATE FUNCTION rent_burdens(p_start date, p_end date, p_m2 int[])
RETURNS TABLE (zone text, band text, rent float8, households int, median float8, above30 int, above40 int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH households AS (
    SELECT DISTINCT ON (e.person) e.person, e.income, e.household_size, s.omi_zone
    FROM events e JOIN census_sections s ON s.id = e.section_id
    WHERE e.income > 0 AND e.household_size IS NOT NULL AND e.event_date >= p_start AND e.event_date < p_end
    ORDER BY e.person, e.event_date DESC, e.id DESC
), burdens AS (
    SELECT z.code, z.band, (z.rent_min + z.rent_max) / 2 AS rent,
           12 * p_m2[least(h.household_size, 5)] * (z.rent_min + z.rent_max) / 2 / h.income AS burden
    FROM households h JOIN omi_zones z ON z.code = h.omi_zone
    WHERE z.rent_min IS NOT NULL
)
SELECT coalesce(code, ''), CASE WHEN code IS NULL THEN '' ELSE min(band) END, CASE WHEN code IS NULL THEN NULL ELSE min(rent)::float8 END,
       count(*)::int, (percentile_cont(0.5) WITHIN GROUP (ORDER BY burden))::float8,
       count(*) FILTER (WHERE burden > 0.3)::int, count(*) FILTER (WHERE burden > 0.4)::int
FROM burdens GROUP BY ROLLUP (code) ORDER BY code NULLS FIRST
$$;

-- PostgreSQL roles mirror the observatory's: roles are cluster-wide, so they are created once
-- and reused by every database of the cluster.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['abitare_public', 'abitare_planner', 'abitare_housing_office',
                             'abitare_linkage_officer', 'abitare_administrator'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END $$;

-- Memberships: planners and the other roles see what the public sees, the housing office what
-- planners see; the server's own user switches to these roles for each kind of request.
DO $$
DECLARE
    g text[];
BEGIN
    FOREACH g SLICE 1 IN ARRAY ARRAY[
        ['abitare_public', 'abitare_planner'], ['abitare_public', 'abitare_linkage_officer'],
        ['abitare_public', 'abitare_administrator'], ['abitare_planner', 'abitare_housing_office'],
        ['abitare_public', current_user], ['abitare_planner', current_user],
        ['abitare_housing_office', current_user], ['abitare_linkage_officer', current_user],
        ['abitare_administrator', current_user]] LOOP
        BEGIN
            EXECUTE format('GRANT %I TO %I', g[1], g[2]);
        EXCEPTION WHEN unique_violation OR duplicate_object THEN
            NULL; -- granted meanwhile by another database's migration
        END;
    END LOOP;
END $$;
-- +goose StatementEnd

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON spatial_ref_sys TO PUBLIC; -- PostGIS reads it to transform coordinates
REVOKE EXECUTE ON FUNCTION audit_append(text, text, text, text, text), category_counts(date, date, text, int),
    unclassified_need(date, date, text), rent_burdens(date, date, int[]) FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO abitare_public;

-- Anonymous users: geography, the protected figures and the public manifest.
GRANT SELECT ON municipalities, omi_zones, census_sections, h3_cells, adaptive_hexagons,
    public_indicators, public_overlap, public_releases TO abitare_public;
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, text) TO abitare_public;

-- Planners: every aggregate, no person.
GRANT SELECT ON area_stats, area_indicators, area_overlap, area_composite, area_coverage, hotspots,
    analysis_runs, h3_population, h3_lineage TO abitare_planner;
GRANT EXECUTE ON FUNCTION category_counts(date, date, text, int), unclassified_need(date, date, text),
    rent_burdens(date, date, int[]) TO abitare_planner;

-- The housing office: people and their events, for targeting lists and timelines.
GRANT SELECT ON people, events, residents, ingest_batches TO abitare_housing_office;

-- The linkage officer: linkage and batches, not the analysis.
GRANT SELECT (person, source, batch_id, location_quality) ON events TO abitare_linkage_officer;
GRANT SELECT (pseudonym, id_kind) ON people TO abitare_linkage_officer;
GRANT SELECT ON ingest_batches, link_key TO abitare_linkage_officer;

-- The administrator: users, tokens (without their hashes), the audit trail, full manifests.
GRANT SELECT (id, username, role, disabled, created_at) ON users TO abitare_administrator;
GRANT SELECT (id, user_id, name, created_at, expires_at, revoked_at, last_used_at) ON api_tokens TO abitare_administrator;
GRANT SELECT ON audit_log, releases TO abitare_administrator;

-- +goose Down
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM abitare_public, abitare_planner, abitare_housing_office,
    abitare_linkage_officer, abitare_administrator;
DROP FUNCTION category_counts(date, date, text, int), unclassified_need(date, date, text), rent_burdens(date, date, int[]);
DROP VIEW public_releases;
DROP TABLE public_overlap, public_indicators, releases, release_secret;
ALTER TABLE area_overlap DROP COLUMN cell_key;
ALTER TABLE area_indicators DROP COLUMN cell_key;
ALTER TABLE people DROP COLUMN record_key;
DROP TABLE audit_log;
DROP FUNCTION audit_append(text, text, text, text, text), audit_log_guard(), audit_log_no_truncate();
DROP TABLE sessions, api_tokens, users;
