-- The counts the restricted outputs do not show: small ones (1 to the threshold minus one) and
-- those withheld so that the small ones cannot be recovered by subtraction (secondary
-- suppression, geo/disclosure/withheld). Recomputed by `abitare aggregate`; every reader of
-- true counts (tiles, profiles, rankings) withholds what is listed here.

-- +goose Up
CREATE TABLE withheld_figures (
    geography text NOT NULL,
    area_id text NOT NULL,
    period text NOT NULL,
    figure text NOT NULL,                 -- an indicator, two_plus, all_three, overlap:<combination>, coverage:<need>:people|without_help
    secondary boolean NOT NULL,           -- withheld to protect a small count, not small itself
    PRIMARY KEY (geography, period, area_id, figure)
);
GRANT SELECT ON withheld_figures TO abitare_planner;

-- +goose Down
DROP TABLE withheld_figures;
