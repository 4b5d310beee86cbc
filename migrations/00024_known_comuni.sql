-- Every comune the territory's boundary file named, in the territory or not: partner records
-- name their comune of residence, and one of these outside the territory is counted as out of
-- area, while a name that matches none is an error (a typo, or a comune the file lacks).

-- +goose Up
CREATE TABLE known_comuni (
    code text PRIMARY KEY,                        -- six digits
    name text NOT NULL,
    cadastral_code text
);
INSERT INTO known_comuni (code, name, cadastral_code) SELECT code, name, cadastral_code FROM municipalities;

-- +goose Down
DROP TABLE known_comuni;
