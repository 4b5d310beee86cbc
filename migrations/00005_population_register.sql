-- The municipal population register, pseudonymised with the same key as the agency records, so
-- that rates by category (age, sex, citizenship, household type, disability) have denominators
-- and beneficiaries can be described by their household.

-- +goose Up
CREATE TABLE residents (
    pseudonym bytea PRIMARY KEY CHECK (length(pseudonym) = 32),
    household bytea NOT NULL,                 -- keyed hash of the register's household id
    birth_year smallint NOT NULL,
    sex char(1) NOT NULL CHECK (sex IN ('M', 'F')),
    citizenship text NOT NULL CHECK (citizenship IN ('italian', 'eu', 'non_eu')),
    household_type text NOT NULL,
    section_id text,
    h3_cell bigint,
    batch_id bigint NOT NULL REFERENCES ingest_batches (id)
);
CREATE INDEX residents_household ON residents (household);

-- Composite indices per area, with the inputs and weights that made them.
CREATE TABLE area_composite (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    ampi double precision,                    -- adjusted Mazziotta-Pareto index, mean about 100
    imd double precision,                     -- English-IMD-style score
    run_id bigint NOT NULL REFERENCES analysis_runs (id),
    PRIMARY KEY (geography, period, area_id)
);

-- Need without help: people with a need signal and no social-services intervention.
CREATE TABLE area_coverage (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    need text NOT NULL,                       -- eviction, disability, mental_health, job_seeker
    people integer NOT NULL,
    without_help integer NOT NULL,
    PRIMARY KEY (geography, period, need, area_id)
);

-- +goose Down
DROP TABLE area_coverage, area_composite, residents;
