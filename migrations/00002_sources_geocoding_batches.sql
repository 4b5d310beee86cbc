-- Five sources, address geocoding, batch provenance and replacement.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A record may come with an address only, and an address may not be found: such events are
-- kept, unplaced, and reported, never silently dropped.
ALTER TABLE events
    ALTER COLUMN h3_cell DROP NOT NULL,
    ALTER COLUMN geom DROP NOT NULL,
    ADD COLUMN status text,                        -- e.g. job-seeker registration status
    ADD COLUMN severity text,                      -- e.g. injury severity
    ADD COLUMN days_lost smallint CHECK (days_lost >= 0),
    ADD COLUMN income numeric(12, 2),              -- declared ISEE, euro per year
    ADD COLUMN household_size smallint CHECK (household_size > 0),
    ADD COLUMN location_quality text NOT NULL DEFAULT 'coordinates'
        CHECK (location_quality IN ('coordinates', 'address_exact', 'address_fuzzy', 'street', 'none'));

-- The natural key leads with the person, so it also serves per-person lookups (the timeline,
-- linkage): one index fewer to maintain on every load.
ALTER TABLE events DROP CONSTRAINT events_source_person_kind_event_date_key;
ALTER TABLE events ADD CONSTRAINT events_natural_key UNIQUE (person, source, kind, event_date);
DROP INDEX events_person;

ALTER TABLE ingest_batches
    ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'superseded', 'rolled_back')),
    ADD COLUMN period_start date,
    ADD COLUMN period_end date,
    ADD COLUMN file_format text,
    ADD COLUMN rows_geocoded integer NOT NULL DEFAULT 0,  -- placed from their address
    ADD COLUMN rows_unlocated integer NOT NULL DEFAULT 0, -- neither coordinates nor a matched address
    ADD COLUMN people integer NOT NULL DEFAULT 0,
    ADD COLUMN superseded_by bigint REFERENCES ingest_batches (id),
    ADD COLUMN closed_at timestamptz;
ALTER TABLE ingest_batches DROP CONSTRAINT ingest_batches_source_file_sha256_key;
-- The same file is loaded once while its batch stands; after a rollback it may be loaded again.
CREATE UNIQUE INDEX ingest_batches_active_file ON ingest_batches (source, file_sha256) WHERE status = 'active';

-- The address register (layout of the national register of street numbers, ANNCSU).
CREATE TABLE address_points (
    municipality_code text NOT NULL,
    street_code text NOT NULL,                     -- PROGRESSIVO_STRADA
    street_key text NOT NULL,                      -- normalised "DUG DENOMINAZIONE", e.g. VIA GIARDINI
    house_number integer NOT NULL CHECK (house_number > 0),
    suffix text NOT NULL DEFAULT '',               -- ESPONENTE, e.g. A, BIS
    postcode text,
    geom geometry(Point, 4326) NOT NULL,
    PRIMARY KEY (municipality_code, street_key, house_number, suffix)
);

CREATE TABLE streets (
    municipality_code text NOT NULL,
    street_key text NOT NULL,
    street_type text NOT NULL,                     -- DUG: VIA, VIALE, PIAZZA, ...
    name text NOT NULL,                            -- DENOMINAZIONE as published
    centroid geometry(Point, 4326) NOT NULL,       -- the mean of its numbers' points
    PRIMARY KEY (municipality_code, street_key)
);
CREATE INDEX streets_key_trgm ON streets USING gist (street_key gist_trgm_ops);

-- +goose Down
DROP TABLE streets, address_points;
CREATE INDEX events_person ON events (person);
ALTER TABLE events DROP CONSTRAINT events_natural_key;
ALTER TABLE events ADD CONSTRAINT events_source_person_kind_event_date_key UNIQUE (source, person, kind, event_date);
DROP INDEX ingest_batches_active_file;
ALTER TABLE ingest_batches ADD CONSTRAINT ingest_batches_source_file_sha256_key UNIQUE (source, file_sha256);
ALTER TABLE ingest_batches DROP COLUMN status, DROP COLUMN period_start, DROP COLUMN period_end,
    DROP COLUMN file_format, DROP COLUMN rows_geocoded, DROP COLUMN rows_unlocated, DROP COLUMN people,
    DROP COLUMN superseded_by, DROP COLUMN closed_at;
ALTER TABLE events DROP COLUMN status, DROP COLUMN severity, DROP COLUMN days_lost, DROP COLUMN income,
    DROP COLUMN household_size, DROP COLUMN location_quality;
