-- The pieces of the map: per period and figure, the people placed in one census section and
-- one H3 resolution-10 cell at once. A section's count is the sum of its pieces, and so is a
-- cell's: what placing each person once at one point means, and the relation an attacker of
-- the planner's outputs can use between the two partitions. geo/disclosure/withheld reads them
-- to protect withheld counts against it; they are shown to nobody (no grant).

-- +goose Up
CREATE TABLE disclosure_pieces (
    period text NOT NULL,
    section_id text NOT NULL,            -- '' for people placed in no section
    cell10 text NOT NULL,                -- H3 10 cell in hex, '' for people placed in no cell
    figure text NOT NULL,                -- as withheld_figures.figure
    people integer NOT NULL CHECK (people > 0),
    PRIMARY KEY (period, figure, section_id, cell10)
);

-- +goose Down
DROP TABLE disclosure_pieces;
