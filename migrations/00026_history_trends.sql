-- Foresight (geo/history, geo/foresight): the quarterly history of every area, its emerging hot
-- and cold spots, and what the forecasts are made from. True counts, like area_indicators:
-- restricted roles only (planners, the housing office); nothing here is public.

-- +goose Up
-- People per area, quarter and series: a domain of need (poverty ... education) or a signal
-- some partner records (eviction, job_loss, housing_support), each person placed in a quarter
-- where their latest located event of the quarter was, as aggregate places them in a period.
CREATE TABLE area_history (
    geography text NOT NULL,                      -- h3_8, h3_9, section, omi, municipality
    area_id text NOT NULL,
    quarter text NOT NULL,                        -- 2025-Q1
    series text NOT NULL,
    people integer NOT NULL,
    PRIMARY KEY (geography, area_id, series, quarter)
);

-- The residents the history's rates are per (the census, as for area_stats).
CREATE TABLE area_history_residents (
    geography text NOT NULL,
    area_id text NOT NULL,
    residents double precision NOT NULL,
    district text,                                -- the district the area lies in (sections, H3 cells), for the forecasts' shrinkage
    PRIMARY KEY (geography, area_id)
);

-- Emerging hot and cold spots: per area and domain, the Gi* z-score of each quarter, the
-- Mann-Kendall trend of those z-scores and the category (geo/trends).
CREATE TABLE area_trends (
    geography text NOT NULL,
    area_id text NOT NULL,
    domain text NOT NULL,
    quarters text[] NOT NULL,
    z double precision[] NOT NULL,
    p double precision[] NOT NULL,                -- two-sided normal p of each z, unadjusted
    mk_s integer NOT NULL,
    mk_var double precision NOT NULL,
    mk_z double precision NOT NULL,
    mk_p double precision NOT NULL,
    category text NOT NULL,
    run_id bigint NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
    PRIMARY KEY (geography, domain, area_id)
);

GRANT SELECT ON area_history, area_history_residents, area_trends TO abitare_planner;

-- +goose Down
DROP TABLE area_trends, area_history_residents, area_history;
