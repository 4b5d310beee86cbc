-- Indicators with uncertainty, person-level overlap, hotspots and the population register.

-- +goose Up
-- Figures per area, period and indicator (a domain of need, or multi_domain: two or more).
CREATE TABLE area_indicators (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,                 -- 2025 or 2025-Q1
    indicator text NOT NULL,
    people integer NOT NULL,
    residents double precision NOT NULL,
    rate double precision,                -- per 1,000 residents; NULL without residents
    ci_low double precision,              -- exact Poisson (Garwood) 95% interval, per 1,000
    ci_high double precision,
    eb_rate double precision,             -- global empirical-Bayes smoothed rate, per 1,000
    unstable boolean NOT NULL,            -- too few residents or people for a stable rate
    previous_rate double precision,       -- the same indicator in the previous period of the same kind
    PRIMARY KEY (geography, period, indicator, area_id)
);
CREATE INDEX area_indicators_area ON area_indicators (geography, area_id);

-- People per combination of the five domains, per area and period (person-level overlap).
CREATE TABLE area_overlap (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    combination text NOT NULL,            -- domains joined by '+', in a fixed order
    people integer NOT NULL,
    PRIMARY KEY (geography, period, combination, area_id)
);

-- Local spatial statistics; every row carries the parameters of the run that made it.
CREATE TABLE hotspots (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    analysis text NOT NULL,               -- moran:<indicator>, gi:<indicator>, bivariate:<x>:<y>
    statistic double precision,
    z_sim double precision,
    p_value double precision,
    cluster smallint NOT NULL,            -- GeoDa codes, see docs/statistics.md
    significant boolean NOT NULL,
    run_id bigint NOT NULL,
    PRIMARY KEY (geography, period, analysis, area_id)
);

CREATE TABLE analysis_runs (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    period text NOT NULL,
    parameters jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE analysis_runs, hotspots, area_overlap, area_indicators;
