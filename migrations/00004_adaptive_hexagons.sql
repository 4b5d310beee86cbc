-- Population-adaptive hexagons: a partition of the populated study area into the finest H3
-- cells (resolutions 7 to 10) whose residents reach a floor.

-- +goose Up
CREATE TABLE adaptive_hexagons (
    cell bigint PRIMARY KEY,
    h3_index text GENERATED ALWAYS AS (to_hex(cell)) STORED,
    resolution smallint NOT NULL,
    residents double precision NOT NULL,
    floor integer NOT NULL
);

-- +goose Down
DROP TABLE adaptive_hexagons;
