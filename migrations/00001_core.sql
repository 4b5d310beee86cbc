-- Core schema of the observatory: geography, pseudonymised people, events and ingest batches.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

-- Administrative and statistical zones, all in EPSG:4326.
CREATE TABLE municipalities (
    code text PRIMARY KEY,                        -- ISTAT code, e.g. 036023
    name text NOT NULL,
    geom geometry(MultiPolygon, 4326) NOT NULL
);

CREATE TABLE omi_zones (
    code text PRIMARY KEY,                        -- OMI zone, e.g. D32
    band char(1) NOT NULL CHECK (band IN ('B', 'C', 'D', 'E', 'R')),
    description text NOT NULL,
    semester text NOT NULL,                       -- e.g. 2018-2
    rent_min numeric(6, 2),                       -- €/m² per month, abitazioni civili, normal state
    rent_max numeric(6, 2),
    geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX omi_zones_geom ON omi_zones USING gist (geom);

CREATE TABLE census_sections (
    id text PRIMARY KEY,                          -- ISTAT SEZ21_ID
    municipality_code text NOT NULL,
    residents integer NOT NULL CHECK (residents >= 0),
    households integer CHECK (households >= 0),
    omi_zone text,                                -- the OMI zone holding the section's interior point
    synthetic boolean NOT NULL,                   -- a stand-in section made by the demo, not ISTAT's
    geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX census_sections_geom ON census_sections USING gist (geom);

-- H3 cells covering the study area, resolutions 7 to 10, each polygon stored once.
CREATE TABLE h3_cells (
    cell bigint PRIMARY KEY,
    h3_index text GENERATED ALWAYS AS (to_hex(cell)) STORED,
    resolution smallint NOT NULL CHECK (resolution BETWEEN 0 AND 15),
    geom geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX h3_cells_resolution_geom ON h3_cells USING gist (geom) INCLUDE (resolution);
CREATE INDEX h3_cells_resolution ON h3_cells (resolution);

-- Ancestors of every resolution-10 cell: records are placed once at resolution 10 and rolled up.
CREATE TABLE h3_lineage (
    cell10 bigint PRIMARY KEY,
    cell9 bigint NOT NULL,
    cell8 bigint NOT NULL,
    cell7 bigint NOT NULL
);

-- Residents per resolution-10 cell, by areal interpolation from census sections.
CREATE TABLE h3_population (
    cell bigint PRIMARY KEY,
    residents double precision NOT NULL CHECK (residents >= 0)
);

-- The fingerprint of the linkage key that made every stored pseudonym (never the key itself).
CREATE TABLE link_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- People, known only by the keyed hash of their identifier.
CREATE TABLE people (
    pseudonym bytea PRIMARY KEY CHECK (length(pseudonym) = 32),
    id_kind text NOT NULL CHECK (id_kind IN ('cf', 'stp', 'eni')),
    birth_year smallint,
    sex char(1) CHECK (sex IN ('M', 'F')),
    foreign_born boolean
);

CREATE TABLE ingest_batches (
    id bigserial PRIMARY KEY,
    source text NOT NULL,
    file_name text NOT NULL,
    file_sha256 bytea NOT NULL,
    rows_read integer NOT NULL,
    rows_accepted integer NOT NULL,
    rows_rejected integer NOT NULL,
    rows_duplicate integer NOT NULL,
    loaded_by text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, file_sha256)
);

CREATE TABLE events (
    id bigserial PRIMARY KEY,
    batch_id bigint NOT NULL REFERENCES ingest_batches (id) ON DELETE CASCADE,
    person bytea NOT NULL REFERENCES people (pseudonym),
    source text NOT NULL,
    domain text NOT NULL CHECK (domain IN ('poverty', 'housing', 'health', 'work', 'education')),
    kind text NOT NULL,
    event_date date NOT NULL,
    end_date date,
    amount numeric(12, 2),
    score numeric(8, 2),
    stage text,
    h3_cell bigint NOT NULL,                      -- resolution 10
    section_id text,
    geom geometry(Point, 4326) NOT NULL,
    UNIQUE (source, person, kind, event_date)
);
CREATE INDEX events_domain_date ON events (domain, event_date);
CREATE INDEX events_person ON events (person);
CREATE INDEX events_batch ON events (batch_id);

-- Aggregates per geography, area and period. geography is h3_7 .. h3_10, section, omi or
-- municipality; area_id is the H3 index (hex), section id, OMI code or ISTAT code.
CREATE TABLE area_stats (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    residents double precision NOT NULL,
    poverty integer NOT NULL,
    housing integer NOT NULL,
    health integer NOT NULL,
    poverty_rate double precision,               -- per 1,000 residents; NULL without residents
    housing_rate double precision,
    health_rate double precision,
    two_plus integer NOT NULL,                   -- people in at least two of the three domains
    all_three integer NOT NULL,
    overlap smallint NOT NULL,                   -- domains whose rate is above the city's (0-3)
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (geography, period, area_id)
);

-- +goose Down
DROP TABLE area_stats, events, ingest_batches, people, link_key, h3_population, h3_lineage,
    h3_cells, census_sections, omi_zones, municipalities;
