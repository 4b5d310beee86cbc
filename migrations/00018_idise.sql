-- ISTAT's sub-municipal hardship index (IDISE), as published, per census section: loaded by
-- abitare idise load, shown beside the observatory's AMPI. Public data (ISTAT, CC BY 4.0).

-- +goose Up
CREATE TABLE idise_sections (
    section_id text PRIMARY KEY,            -- checked against census_sections at load
    area text,                             -- the IDISE area the section belongs to, if given
    idise double precision NOT NULL,       -- adjusted Mazziotta-Pareto, municipal mean 100
    source_file text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON idise_sections TO abitare_planner;

-- +goose Down
DROP TABLE idise_sections;
