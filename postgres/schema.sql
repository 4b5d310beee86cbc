-- The schema the migrations make (package migrations), as pg_dump --schema-only prints it.
-- Generated: do not edit. TestSchemaSnapshot keeps it true.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

CREATE FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text, p_client text, p_token_id bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.audit_log_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '6 months' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused (entries are kept at least 6 months)', TG_OP;
END $$;

CREATE FUNCTION public.audit_log_no_truncate() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused';
END $$;

CREATE FUNCTION public.category_counts(p_start date, p_end date, p_indicator text, p_year integer) RETURNS TABLE(dimension text, category text, residents integer, in_need integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.custom_area_protection() RETURNS TABLE(release_id bigint, threshold integer, parameters jsonb, zero_secret bytea)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
SELECT r.id, r.threshold, r.parameters, sha256('abitare custom area'::bytea || s.secret)
FROM releases r CROSS JOIN release_secret s
ORDER BY r.id DESC LIMIT 1
$$;

CREATE FUNCTION public.published_count(n integer, threshold integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN n = 0 OR n >= threshold THEN n END $$;

CREATE FUNCTION public.rent_burdens(p_start date, p_end date, p_m2 integer[]) RETURNS TABLE(zone text, band text, rent double precision, households integer, median double precision, above30 integer, above40 integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.unclassified_need(p_start date, p_end date, p_indicator text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
)
SELECT count(*)::int FROM need n WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.pseudonym = n.person)
$$;

CREATE FUNCTION public.zone_category_counts(p_start date, p_end date, p_indicator text, p_year integer) RETURNS TABLE(zone text, dimension text, category text, residents integer, in_need integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
), placed AS (
    SELECT n.person, coalesce(l.omi_zone, '') AS zone FROM need n
    LEFT JOIN LATERAL (
        SELECT s.omi_zone FROM events e LEFT JOIN census_sections s ON s.id = e.section_id
        WHERE e.person = n.person AND e.event_date >= p_start AND e.event_date < p_end AND e.geom IS NOT NULL
        ORDER BY (e.domain IN ('poverty', 'housing', 'health')) DESC, e.event_date DESC, e.id DESC LIMIT 1
    ) l ON true
), disabled AS (SELECT DISTINCT person FROM events WHERE kind = 'disability'),
pop AS (
    SELECT coalesce(s.omi_zone, '') AS home, p.zone AS placed, r.sex, r.citizenship, r.household_type,
           CASE WHEN p_year - r.birth_year < 15 THEN '00-14' WHEN p_year - r.birth_year < 25 THEN '15-24'
                WHEN p_year - r.birth_year < 45 THEN '25-44' WHEN p_year - r.birth_year < 65 THEN '45-64'
                WHEN p_year - r.birth_year < 80 THEN '65-79' ELSE '80+' END AS age,
           d.person IS NOT NULL AS disabled
    FROM residents r LEFT JOIN census_sections s ON s.id = r.section_id
    LEFT JOIN disabled d ON d.person = r.pseudonym LEFT JOIN placed p ON p.person = r.pseudonym
), counted AS (
    SELECT home AS zone, 1 AS resident, 0 AS in_need, * FROM pop
    UNION ALL
    SELECT placed, 0, 1, * FROM pop WHERE placed IS NOT NULL
)
SELECT c.zone, v.dimension, v.category, sum(c.resident)::int, sum(c.in_need)::int
FROM counted c, LATERAL (VALUES ('age', c.age), ('sex', c.sex::text), ('citizenship', c.citizenship),
                        ('household_type', lower(c.household_type)), ('disability', CASE WHEN c.disabled THEN 'yes' ELSE 'no' END)) v(dimension, category)
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
$$;

CREATE FUNCTION public.zone_unclassified_need(p_start date, p_end date, p_indicator text) RETURNS TABLE(zone text, people integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
)
SELECT coalesce(l.omi_zone, ''), count(*)::int FROM need n
LEFT JOIN LATERAL (
    SELECT s.omi_zone FROM events e LEFT JOIN census_sections s ON s.id = e.section_id
    WHERE e.person = n.person AND e.event_date >= p_start AND e.event_date < p_end AND e.geom IS NOT NULL
    ORDER BY (e.domain IN ('poverty', 'housing', 'health')) DESC, e.event_date DESC, e.id DESC LIMIT 1
) l ON true
WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.pseudonym = n.person)
GROUP BY 1 ORDER BY 1
$$;

CREATE TABLE public.adaptive_hexagons (
    cell bigint NOT NULL,
    h3_index text GENERATED ALWAYS AS (to_hex(cell)) STORED,
    resolution smallint NOT NULL,
    residents double precision NOT NULL,
    floor integer NOT NULL
);

CREATE TABLE public.address_points (
    municipality_code text NOT NULL,
    street_code text NOT NULL,
    street_key text NOT NULL,
    house_number integer NOT NULL,
    suffix text DEFAULT ''::text NOT NULL,
    postcode text,
    geom public.geometry(Point,4326) NOT NULL,
    CONSTRAINT address_points_house_number_check CHECK ((house_number > 0))
);

CREATE TABLE public.analysis_runs (
    id bigint NOT NULL,
    kind text NOT NULL,
    period text NOT NULL,
    parameters jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE SEQUENCE public.analysis_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.analysis_runs_id_seq OWNED BY public.analysis_runs.id;

CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    name text NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT api_tokens_token_hash_check CHECK ((length(token_hash) = 32))
);

CREATE SEQUENCE public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;

CREATE TABLE public.area_composite (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    ampi double precision,
    imd double precision,
    run_id bigint NOT NULL
);

CREATE TABLE public.area_coverage (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    need text NOT NULL,
    people integer NOT NULL,
    without_help integer NOT NULL
);

CREATE TABLE public.area_history (
    geography text NOT NULL,
    area_id text NOT NULL,
    quarter text NOT NULL,
    series text NOT NULL,
    people integer NOT NULL
);

CREATE TABLE public.area_history_residents (
    geography text NOT NULL,
    area_id text NOT NULL,
    residents double precision NOT NULL,
    district text
);

CREATE TABLE public.area_indicators (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    indicator text NOT NULL,
    people integer NOT NULL,
    residents double precision NOT NULL,
    rate double precision,
    ci_low double precision,
    ci_high double precision,
    eb_rate double precision,
    unstable boolean NOT NULL,
    cell_key bigint
);

CREATE TABLE public.area_overlap (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    combination text NOT NULL,
    people integer NOT NULL,
    cell_key bigint
);

CREATE TABLE public.area_stats (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    residents double precision NOT NULL,
    poverty integer NOT NULL,
    housing integer NOT NULL,
    health integer NOT NULL,
    poverty_rate double precision,
    housing_rate double precision,
    health_rate double precision,
    two_plus integer NOT NULL,
    all_three integer NOT NULL,
    overlap smallint NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.area_trends (
    geography text NOT NULL,
    area_id text NOT NULL,
    domain text NOT NULL,
    quarters text[] NOT NULL,
    z double precision[] NOT NULL,
    p double precision[] NOT NULL,
    mk_s integer NOT NULL,
    mk_var double precision NOT NULL,
    mk_z double precision NOT NULL,
    mk_p double precision NOT NULL,
    category text NOT NULL,
    run_id bigint NOT NULL
);

CREATE TABLE public.audit_log (
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    purpose text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    client text,
    token_id bigint
);

CREATE TABLE public.census_sections (
    id text NOT NULL,
    municipality_code text NOT NULL,
    residents integer NOT NULL,
    households integer,
    omi_zone text,
    synthetic boolean NOT NULL,
    geom public.geometry(MultiPolygon,4326) NOT NULL,
    CONSTRAINT census_sections_households_check CHECK ((households >= 0)),
    CONSTRAINT census_sections_residents_check CHECK ((residents >= 0))
);

CREATE TABLE public.disclosure_pieces (
    period text NOT NULL,
    section_id text NOT NULL,
    cell10 text NOT NULL,
    figure text NOT NULL,
    people integer NOT NULL,
    CONSTRAINT disclosure_pieces_people_check CHECK ((people > 0))
);

CREATE TABLE public.events (
    id bigint NOT NULL,
    batch_id bigint NOT NULL,
    person bytea NOT NULL,
    source text NOT NULL,
    domain text NOT NULL,
    kind text NOT NULL,
    event_date date NOT NULL,
    end_date date,
    amount numeric(12,2),
    score numeric(8,2),
    stage text,
    h3_cell bigint,
    section_id text,
    geom public.geometry(Point,4326),
    status text,
    severity text,
    days_lost smallint,
    income numeric(12,2),
    household_size smallint,
    location_quality text DEFAULT 'coordinates'::text NOT NULL,
    CONSTRAINT events_days_lost_check CHECK ((days_lost >= 0)),
    CONSTRAINT events_domain_check CHECK ((domain = ANY (ARRAY['poverty'::text, 'housing'::text, 'health'::text, 'work'::text, 'education'::text]))),
    CONSTRAINT events_household_size_check CHECK ((household_size > 0)),
    CONSTRAINT events_location_quality_check CHECK ((location_quality = ANY (ARRAY['coordinates'::text, 'address_exact'::text, 'address_fuzzy'::text, 'street'::text, 'none'::text, 'out_of_area'::text])))
);

CREATE SEQUENCE public.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.events_id_seq OWNED BY public.events.id;

CREATE TABLE public.goose_db_version (
    id integer NOT NULL,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp without time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.goose_db_version ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.goose_db_version_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.h3_cells (
    cell bigint NOT NULL,
    h3_index text GENERATED ALWAYS AS (to_hex(cell)) STORED,
    resolution smallint NOT NULL,
    geom public.geometry(Polygon,4326) NOT NULL,
    CONSTRAINT h3_cells_resolution_check CHECK (((resolution >= 0) AND (resolution <= 15)))
);

CREATE TABLE public.h3_lineage (
    cell10 bigint NOT NULL,
    cell9 bigint NOT NULL,
    cell8 bigint NOT NULL,
    cell7 bigint NOT NULL
);

CREATE TABLE public.h3_population (
    cell bigint NOT NULL,
    residents double precision NOT NULL,
    CONSTRAINT h3_population_residents_check CHECK ((residents >= (0)::double precision))
);

CREATE TABLE public.hotspots (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    analysis text NOT NULL,
    statistic double precision,
    z_sim double precision,
    p_value double precision,
    cluster smallint NOT NULL,
    significant boolean NOT NULL,
    run_id bigint NOT NULL
);

CREATE TABLE public.idise_sections (
    section_id text NOT NULL,
    area text,
    idise double precision NOT NULL,
    source_file text NOT NULL,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.ingest_batches (
    id bigint NOT NULL,
    source text NOT NULL,
    file_name text NOT NULL,
    file_sha256 bytea NOT NULL,
    rows_read integer NOT NULL,
    rows_accepted integer NOT NULL,
    rows_rejected integer NOT NULL,
    rows_duplicate integer NOT NULL,
    loaded_by text NOT NULL,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    period_start date,
    period_end date,
    file_format text,
    rows_geocoded integer DEFAULT 0 NOT NULL,
    rows_unlocated integer DEFAULT 0 NOT NULL,
    people integer DEFAULT 0 NOT NULL,
    superseded_by bigint,
    closed_at timestamp with time zone,
    rows_out_of_area integer DEFAULT 0 NOT NULL,
    CONSTRAINT ingest_batches_status_check CHECK ((status = ANY (ARRAY['active'::text, 'superseded'::text, 'rolled_back'::text])))
);

CREATE SEQUENCE public.ingest_batches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.ingest_batches_id_seq OWNED BY public.ingest_batches.id;

CREATE TABLE public.known_comuni (
    code text NOT NULL,
    name text NOT NULL,
    cadastral_code text
);

CREATE TABLE public.link_key (
    singleton boolean DEFAULT true NOT NULL,
    fingerprint bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT link_key_singleton_check CHECK (singleton)
);

CREATE TABLE public.municipalities (
    code text NOT NULL,
    name text NOT NULL,
    geom public.geometry(MultiPolygon,4326) NOT NULL,
    province_code text,
    region_code text,
    uts_code text,
    cadastral_code text,
    province_name text,
    region_name text
);

CREATE MATERIALIZED VIEW public.territory_areas AS
 WITH n AS (
         SELECT count(*) AS comuni,
            count(DISTINCT municipalities.province_code) AS provinces
           FROM public.municipalities
        )
 SELECT 'province'::text AS geography,
    municipalities.province_code AS code,
    COALESCE(max(municipalities.province_name), ('Provincia '::text || municipalities.province_code)) AS name,
    (public.st_multi(public.st_union(municipalities.geom)))::public.geometry(MultiPolygon,4326) AS geom
   FROM public.municipalities,
    n
  WHERE ((n.comuni > 1) AND (municipalities.province_code IS NOT NULL))
  GROUP BY municipalities.province_code
UNION ALL
 SELECT 'region'::text AS geography,
    municipalities.region_code AS code,
    COALESCE(max(municipalities.region_name), ('Regione '::text || municipalities.region_code)) AS name,
    (public.st_multi(public.st_union(municipalities.geom)))::public.geometry(MultiPolygon,4326) AS geom
   FROM public.municipalities,
    n
  WHERE ((n.provinces > 1) AND (municipalities.region_code IS NOT NULL))
  GROUP BY municipalities.region_code
  WITH NO DATA;

CREATE VIEW public.municipality_levels AS
 SELECT m.code AS municipality_code,
    p.code AS province,
    r.code AS region
   FROM ((public.municipalities m
     LEFT JOIN public.territory_areas p ON (((p.geography = 'province'::text) AND (p.code = m.province_code))))
     LEFT JOIN public.territory_areas r ON (((r.geography = 'region'::text) AND (r.code = m.region_code))));

CREATE TABLE public.omi_zones (
    code text NOT NULL,
    band character(1),
    description text NOT NULL,
    semester text NOT NULL,
    rent_min numeric(6,2),
    rent_max numeric(6,2),
    geom public.geometry(MultiPolygon,4326) NOT NULL,
    municipality_code text,
    zone text NOT NULL,
    kind text DEFAULT 'omi'::text NOT NULL,
    CONSTRAINT omi_zones_band_check CHECK (((band IS NULL) OR (band = ANY (ARRAY['B'::bpchar, 'C'::bpchar, 'D'::bpchar, 'E'::bpchar, 'R'::bpchar])))),
    CONSTRAINT omi_zones_kind_check CHECK ((kind = ANY (ARRAY['omi'::text, 'quartieri'::text, 'municipality'::text])))
);

CREATE TABLE public.people (
    pseudonym bytea NOT NULL,
    id_kind text NOT NULL,
    birth_year smallint,
    sex character(1),
    foreign_born boolean,
    record_key integer DEFAULT (((('x'::text || "left"((gen_random_uuid())::text, 8)))::bit(32))::integer & 2147483647) NOT NULL,
    CONSTRAINT people_id_kind_check CHECK ((id_kind = ANY (ARRAY['cf'::text, 'stp'::text, 'eni'::text]))),
    CONSTRAINT people_pseudonym_check CHECK ((length(pseudonym) = 32)),
    CONSTRAINT people_record_key_check CHECK ((record_key >= 0)),
    CONSTRAINT people_sex_check CHECK ((sex = ANY (ARRAY['M'::bpchar, 'F'::bpchar])))
);

CREATE TABLE public.released_indicators (
    release_id bigint NOT NULL,
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    indicator text NOT NULL,
    residents integer NOT NULL,
    people integer,
    rate double precision,
    status text NOT NULL,
    CONSTRAINT public_indicators_status_check CHECK ((status = ANY (ARRAY['protected'::text, 'suppressed'::text, 'not applicable'::text])))
);

CREATE TABLE public.releases (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    method text NOT NULL,
    threshold integer NOT NULL,
    parameters jsonb NOT NULL,
    key_id text NOT NULL,
    budget text NOT NULL,
    periods text[] NOT NULL,
    health_geographies text[] NOT NULL,
    summary jsonb NOT NULL,
    utility jsonb NOT NULL,
    audit_head jsonb
);

CREATE VIEW public.public_indicators AS
 SELECT released_indicators.release_id,
    released_indicators.geography,
    released_indicators.area_id,
    released_indicators.period,
    released_indicators.indicator,
    released_indicators.residents,
    released_indicators.people,
    released_indicators.rate,
    released_indicators.status
   FROM public.released_indicators
  WHERE (released_indicators.release_id = ( SELECT max(releases.id) AS max
           FROM public.releases));

CREATE TABLE public.released_overlap (
    release_id bigint NOT NULL,
    period text NOT NULL,
    combination text NOT NULL,
    people integer,
    status text NOT NULL,
    CONSTRAINT public_overlap_status_check CHECK ((status = ANY (ARRAY['protected'::text, 'suppressed'::text, 'not applicable'::text])))
);

CREATE VIEW public.public_overlap AS
 SELECT released_overlap.release_id,
    released_overlap.period,
    released_overlap.combination,
    released_overlap.people,
    released_overlap.status
   FROM public.released_overlap
  WHERE (released_overlap.release_id = ( SELECT max(releases.id) AS max
           FROM public.releases));

CREATE VIEW public.public_releases AS
 SELECT releases.id,
    releases.created_at,
    releases.method,
    releases.threshold,
    releases.key_id,
    releases.budget,
    releases.periods,
    releases.health_geographies,
    releases.summary
   FROM public.releases;

CREATE TABLE public.tile_archives (
    tileset_id bigint NOT NULL,
    layer text NOT NULL,
    archive bytea NOT NULL,
    sha256 bytea NOT NULL,
    tiles integer NOT NULL,
    features bigint NOT NULL
);
ALTER TABLE ONLY public.tile_archives ALTER COLUMN archive SET STORAGE EXTERNAL;

CREATE TABLE public.tilesets (
    id bigint NOT NULL,
    audience text NOT NULL,
    release_id bigint,
    run_id bigint,
    min_count integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    build_seconds double precision NOT NULL,
    CONSTRAINT tilesets_audience_check CHECK ((audience = ANY (ARRAY['public'::text, 'restricted'::text]))),
    CONSTRAINT tilesets_check CHECK (((audience = 'public'::text) = (release_id IS NOT NULL)))
);

CREATE VIEW public.public_tile_archives AS
 SELECT a.tileset_id,
    a.layer,
    a.archive,
    a.sha256,
    a.tiles,
    a.features
   FROM (public.tile_archives a
     JOIN public.tilesets t ON ((t.id = a.tileset_id)))
  WHERE (t.audience = 'public'::text);

CREATE VIEW public.public_tilesets AS
 SELECT tilesets.id,
    tilesets.audience,
    tilesets.release_id,
    tilesets.run_id,
    tilesets.min_count,
    tilesets.created_at,
    tilesets.build_seconds
   FROM public.tilesets
  WHERE (tilesets.audience = 'public'::text);

CREATE TABLE public.release_secret (
    singleton boolean DEFAULT true NOT NULL,
    secret bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT release_secret_singleton_check CHECK (singleton)
);

CREATE SEQUENCE public.releases_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.releases_id_seq OWNED BY public.releases.id;

CREATE TABLE public.residents (
    pseudonym bytea NOT NULL,
    household bytea NOT NULL,
    birth_year smallint NOT NULL,
    sex character(1) NOT NULL,
    citizenship text NOT NULL,
    household_type text NOT NULL,
    section_id text,
    h3_cell bigint,
    batch_id bigint NOT NULL,
    CONSTRAINT residents_citizenship_check CHECK ((citizenship = ANY (ARRAY['italian'::text, 'eu'::text, 'non_eu'::text]))),
    CONSTRAINT residents_pseudonym_check CHECK ((length(pseudonym) = 32)),
    CONSTRAINT residents_sex_check CHECK ((sex = ANY (ARRAY['M'::bpchar, 'F'::bpchar])))
);

CREATE TABLE public.sessions (
    id_hash bytea NOT NULL,
    user_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sessions_id_hash_check CHECK ((length(id_hash) = 32))
);

CREATE TABLE public.streets (
    municipality_code text NOT NULL,
    street_key text NOT NULL,
    street_type text NOT NULL,
    name text NOT NULL,
    centroid public.geometry(Point,4326) NOT NULL
);

CREATE TABLE public.superseded_events (
    id bigint DEFAULT nextval('public.events_id_seq'::regclass) NOT NULL,
    batch_id bigint NOT NULL,
    person bytea NOT NULL,
    source text NOT NULL,
    domain text NOT NULL,
    kind text NOT NULL,
    event_date date NOT NULL,
    end_date date,
    amount numeric(12,2),
    score numeric(8,2),
    stage text,
    h3_cell bigint,
    section_id text,
    geom public.geometry(Point,4326),
    status text,
    severity text,
    days_lost smallint,
    income numeric(12,2),
    household_size smallint,
    location_quality text DEFAULT 'coordinates'::text NOT NULL
);

CREATE SEQUENCE public.tilesets_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.tilesets_id_seq OWNED BY public.tilesets.id;

CREATE TABLE public.users (
    id bigint NOT NULL,
    username text NOT NULL,
    role text NOT NULL,
    password_hash text NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['planner'::text, 'housing_office'::text, 'linkage_officer'::text, 'administrator'::text]))),
    CONSTRAINT users_username_check CHECK ((username ~ '^[a-z0-9._-]{2,64}$'::text))
);

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

CREATE TABLE public.withheld_figures (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    figure text NOT NULL,
    secondary boolean NOT NULL
);

ALTER TABLE ONLY public.analysis_runs ALTER COLUMN id SET DEFAULT nextval('public.analysis_runs_id_seq'::regclass);

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);

ALTER TABLE ONLY public.events ALTER COLUMN id SET DEFAULT nextval('public.events_id_seq'::regclass);

ALTER TABLE ONLY public.ingest_batches ALTER COLUMN id SET DEFAULT nextval('public.ingest_batches_id_seq'::regclass);

ALTER TABLE ONLY public.releases ALTER COLUMN id SET DEFAULT nextval('public.releases_id_seq'::regclass);

ALTER TABLE ONLY public.tilesets ALTER COLUMN id SET DEFAULT nextval('public.tilesets_id_seq'::regclass);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

ALTER TABLE ONLY public.adaptive_hexagons
    ADD CONSTRAINT adaptive_hexagons_pkey PRIMARY KEY (cell);

ALTER TABLE ONLY public.address_points
    ADD CONSTRAINT address_points_pkey PRIMARY KEY (municipality_code, street_key, house_number, suffix);

ALTER TABLE ONLY public.analysis_runs
    ADD CONSTRAINT analysis_runs_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

ALTER TABLE ONLY public.area_composite
    ADD CONSTRAINT area_composite_pkey PRIMARY KEY (geography, period, area_id);

ALTER TABLE ONLY public.area_coverage
    ADD CONSTRAINT area_coverage_pkey PRIMARY KEY (geography, period, need, area_id);

ALTER TABLE ONLY public.area_history
    ADD CONSTRAINT area_history_pkey PRIMARY KEY (geography, area_id, series, quarter);

ALTER TABLE ONLY public.area_history_residents
    ADD CONSTRAINT area_history_residents_pkey PRIMARY KEY (geography, area_id);

ALTER TABLE ONLY public.area_indicators
    ADD CONSTRAINT area_indicators_pkey PRIMARY KEY (geography, period, indicator, area_id);

ALTER TABLE ONLY public.area_overlap
    ADD CONSTRAINT area_overlap_pkey PRIMARY KEY (geography, period, combination, area_id);

ALTER TABLE ONLY public.area_stats
    ADD CONSTRAINT area_stats_pkey PRIMARY KEY (geography, period, area_id);

ALTER TABLE ONLY public.area_trends
    ADD CONSTRAINT area_trends_pkey PRIMARY KEY (geography, domain, area_id);

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY public.census_sections
    ADD CONSTRAINT census_sections_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.disclosure_pieces
    ADD CONSTRAINT disclosure_pieces_pkey PRIMARY KEY (period, figure, section_id, cell10);

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_natural_key UNIQUE (person, source, kind, event_date);

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.goose_db_version
    ADD CONSTRAINT goose_db_version_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.h3_cells
    ADD CONSTRAINT h3_cells_pkey PRIMARY KEY (cell);

ALTER TABLE ONLY public.h3_lineage
    ADD CONSTRAINT h3_lineage_pkey PRIMARY KEY (cell10);

ALTER TABLE ONLY public.h3_population
    ADD CONSTRAINT h3_population_pkey PRIMARY KEY (cell);

ALTER TABLE ONLY public.hotspots
    ADD CONSTRAINT hotspots_pkey PRIMARY KEY (geography, period, analysis, area_id);

ALTER TABLE ONLY public.idise_sections
    ADD CONSTRAINT idise_sections_pkey PRIMARY KEY (section_id);

ALTER TABLE ONLY public.ingest_batches
    ADD CONSTRAINT ingest_batches_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.known_comuni
    ADD CONSTRAINT known_comuni_pkey PRIMARY KEY (code);

ALTER TABLE ONLY public.link_key
    ADD CONSTRAINT link_key_pkey PRIMARY KEY (singleton);

ALTER TABLE ONLY public.municipalities
    ADD CONSTRAINT municipalities_pkey PRIMARY KEY (code);

ALTER TABLE ONLY public.omi_zones
    ADD CONSTRAINT omi_zones_pkey PRIMARY KEY (code);

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (pseudonym);

ALTER TABLE ONLY public.release_secret
    ADD CONSTRAINT release_secret_pkey PRIMARY KEY (singleton);

ALTER TABLE ONLY public.released_indicators
    ADD CONSTRAINT released_indicators_pkey PRIMARY KEY (release_id, geography, period, indicator, area_id);

ALTER TABLE ONLY public.released_overlap
    ADD CONSTRAINT released_overlap_pkey PRIMARY KEY (release_id, period, combination);

ALTER TABLE ONLY public.releases
    ADD CONSTRAINT releases_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.residents
    ADD CONSTRAINT residents_pkey PRIMARY KEY (pseudonym);

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id_hash);

ALTER TABLE ONLY public.streets
    ADD CONSTRAINT streets_pkey PRIMARY KEY (municipality_code, street_key);

ALTER TABLE ONLY public.tile_archives
    ADD CONSTRAINT tile_archives_pkey PRIMARY KEY (tileset_id, layer);

ALTER TABLE ONLY public.tilesets
    ADD CONSTRAINT tilesets_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_username_key UNIQUE (username);

ALTER TABLE ONLY public.withheld_figures
    ADD CONSTRAINT withheld_figures_pkey PRIMARY KEY (geography, period, area_id, figure);

CREATE INDEX area_indicators_area ON public.area_indicators USING btree (geography, area_id);

CREATE INDEX census_sections_geom ON public.census_sections USING gist (geom);

CREATE INDEX events_batch ON public.events USING btree (batch_id);

CREATE INDEX events_domain_date ON public.events USING btree (domain, event_date);

CREATE INDEX h3_cells_resolution ON public.h3_cells USING btree (resolution);

CREATE INDEX h3_cells_resolution_geom ON public.h3_cells USING gist (geom) INCLUDE (resolution);

CREATE UNIQUE INDEX ingest_batches_active_file ON public.ingest_batches USING btree (source, file_sha256) WHERE (status = 'active'::text);

CREATE UNIQUE INDEX municipalities_cadastral ON public.municipalities USING btree (cadastral_code) WHERE (cadastral_code IS NOT NULL);

CREATE INDEX municipalities_geom ON public.municipalities USING gist (geom);

CREATE INDEX omi_zones_geom ON public.omi_zones USING gist (geom);

CREATE UNIQUE INDEX omi_zones_local ON public.omi_zones USING btree (municipality_code, zone);

CREATE INDEX omi_zones_municipality ON public.omi_zones USING btree (municipality_code);

CREATE INDEX residents_household ON public.residents USING btree (household);

CREATE INDEX sessions_expiry ON public.sessions USING btree (expires_at);

CREATE INDEX streets_key_trgm ON public.streets USING gist (street_key public.gist_trgm_ops);

CREATE INDEX superseded_events_batch ON public.superseded_events USING btree (batch_id);

CREATE UNIQUE INDEX territory_areas_key ON public.territory_areas USING btree (geography, code);

CREATE UNIQUE INDEX tilesets_one_per_release ON public.tilesets USING btree (release_id);

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_guard();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_no_truncate();

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.area_composite
    ADD CONSTRAINT area_composite_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.analysis_runs(id);

ALTER TABLE ONLY public.area_trends
    ADD CONSTRAINT area_trends_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.analysis_runs(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.ingest_batches(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_person_fkey FOREIGN KEY (person) REFERENCES public.people(pseudonym);

ALTER TABLE ONLY public.ingest_batches
    ADD CONSTRAINT ingest_batches_superseded_by_fkey FOREIGN KEY (superseded_by) REFERENCES public.ingest_batches(id);

ALTER TABLE ONLY public.released_indicators
    ADD CONSTRAINT public_indicators_release_id_fkey FOREIGN KEY (release_id) REFERENCES public.releases(id);

ALTER TABLE ONLY public.released_overlap
    ADD CONSTRAINT public_overlap_release_id_fkey FOREIGN KEY (release_id) REFERENCES public.releases(id);

ALTER TABLE ONLY public.residents
    ADD CONSTRAINT residents_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES public.ingest_batches(id);

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.tile_archives
    ADD CONSTRAINT tile_archives_tileset_id_fkey FOREIGN KEY (tileset_id) REFERENCES public.tilesets(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.tilesets
    ADD CONSTRAINT tilesets_release_id_fkey FOREIGN KEY (release_id) REFERENCES public.releases(id);

GRANT USAGE ON SCHEMA public TO abitare_public;

REVOKE ALL ON FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text, p_client text, p_token_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text, p_client text, p_token_id bigint) TO abitare_planner;
GRANT ALL ON FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text, p_client text, p_token_id bigint) TO abitare_linkage_officer;
GRANT ALL ON FUNCTION public.audit_append(p_actor text, p_role text, p_action text, p_target text, p_purpose text, p_client text, p_token_id bigint) TO abitare_administrator;

REVOKE ALL ON FUNCTION public.category_counts(p_start date, p_end date, p_indicator text, p_year integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.category_counts(p_start date, p_end date, p_indicator text, p_year integer) TO abitare_planner;

REVOKE ALL ON FUNCTION public.custom_area_protection() FROM PUBLIC;
GRANT ALL ON FUNCTION public.custom_area_protection() TO abitare_planner;

REVOKE ALL ON FUNCTION public.rent_burdens(p_start date, p_end date, p_m2 integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.rent_burdens(p_start date, p_end date, p_m2 integer[]) TO abitare_planner;

REVOKE ALL ON FUNCTION public.unclassified_need(p_start date, p_end date, p_indicator text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.unclassified_need(p_start date, p_end date, p_indicator text) TO abitare_planner;

REVOKE ALL ON FUNCTION public.zone_category_counts(p_start date, p_end date, p_indicator text, p_year integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.zone_category_counts(p_start date, p_end date, p_indicator text, p_year integer) TO abitare_planner;

REVOKE ALL ON FUNCTION public.zone_unclassified_need(p_start date, p_end date, p_indicator text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.zone_unclassified_need(p_start date, p_end date, p_indicator text) TO abitare_planner;

GRANT SELECT ON TABLE public.adaptive_hexagons TO abitare_public;

GRANT SELECT ON TABLE public.address_points TO abitare_public;

GRANT SELECT ON TABLE public.analysis_runs TO abitare_planner;

GRANT SELECT(id) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT(user_id) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT(name) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT(created_at) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT(expires_at) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT(revoked_at) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT(last_used_at) ON TABLE public.api_tokens TO abitare_administrator;

GRANT SELECT ON TABLE public.area_composite TO abitare_planner;

GRANT SELECT ON TABLE public.area_coverage TO abitare_planner;

GRANT SELECT ON TABLE public.area_history TO abitare_planner;

GRANT SELECT ON TABLE public.area_history_residents TO abitare_planner;

GRANT SELECT ON TABLE public.area_indicators TO abitare_planner;

GRANT SELECT ON TABLE public.area_overlap TO abitare_planner;

GRANT SELECT ON TABLE public.area_stats TO abitare_planner;

GRANT SELECT ON TABLE public.area_trends TO abitare_planner;

GRANT SELECT ON TABLE public.audit_log TO abitare_administrator;

GRANT SELECT ON TABLE public.census_sections TO abitare_public;

GRANT SELECT ON TABLE public.events TO abitare_housing_office;

GRANT SELECT(batch_id) ON TABLE public.events TO abitare_linkage_officer;

GRANT SELECT(person) ON TABLE public.events TO abitare_linkage_officer;

GRANT SELECT(source) ON TABLE public.events TO abitare_linkage_officer;

GRANT SELECT(location_quality) ON TABLE public.events TO abitare_linkage_officer;

REVOKE SELECT ON TABLE public.geography_columns FROM PUBLIC;

REVOKE SELECT ON TABLE public.geometry_columns FROM PUBLIC;

GRANT SELECT ON TABLE public.h3_cells TO abitare_public;

GRANT SELECT ON TABLE public.h3_lineage TO abitare_planner;

GRANT SELECT ON TABLE public.h3_population TO abitare_planner;

GRANT SELECT ON TABLE public.hotspots TO abitare_planner;

GRANT SELECT ON TABLE public.idise_sections TO abitare_planner;

GRANT SELECT ON TABLE public.ingest_batches TO abitare_housing_office;
GRANT SELECT ON TABLE public.ingest_batches TO abitare_linkage_officer;

GRANT SELECT ON TABLE public.link_key TO abitare_linkage_officer;

GRANT SELECT ON TABLE public.municipalities TO abitare_public;

GRANT SELECT ON TABLE public.territory_areas TO abitare_public;

GRANT SELECT ON TABLE public.municipality_levels TO abitare_public;

GRANT SELECT ON TABLE public.omi_zones TO abitare_public;

GRANT SELECT ON TABLE public.people TO abitare_housing_office;

GRANT SELECT(pseudonym) ON TABLE public.people TO abitare_linkage_officer;

GRANT SELECT(id_kind) ON TABLE public.people TO abitare_linkage_officer;

GRANT SELECT ON TABLE public.released_indicators TO abitare_public;

GRANT SELECT ON TABLE public.releases TO abitare_administrator;

GRANT SELECT ON TABLE public.public_indicators TO abitare_public;

GRANT SELECT ON TABLE public.released_overlap TO abitare_public;

GRANT SELECT ON TABLE public.public_overlap TO abitare_public;

GRANT SELECT ON TABLE public.public_releases TO abitare_public;

GRANT SELECT ON TABLE public.tile_archives TO abitare_planner;

GRANT SELECT ON TABLE public.tilesets TO abitare_planner;

GRANT SELECT ON TABLE public.public_tile_archives TO abitare_public;

GRANT SELECT ON TABLE public.public_tilesets TO abitare_public;

GRANT SELECT ON TABLE public.residents TO abitare_housing_office;

GRANT SELECT ON TABLE public.streets TO abitare_public;

GRANT SELECT(id) ON TABLE public.users TO abitare_administrator;

GRANT SELECT(username) ON TABLE public.users TO abitare_administrator;

GRANT SELECT(role) ON TABLE public.users TO abitare_administrator;

GRANT SELECT(disabled) ON TABLE public.users TO abitare_administrator;

GRANT SELECT(created_at) ON TABLE public.users TO abitare_administrator;

GRANT SELECT ON TABLE public.withheld_figures TO abitare_planner;
