-- The address register (ANNCSU: streets and their civic numbers with coordinates) is public
-- reference data, like the zones: the public role reads it to build the gazetteer, the search
-- index of places the map and the open-data bundle carry (package gazetteer).

-- +goose Up
GRANT SELECT ON streets, address_points TO abitare_public;

-- +goose Down
REVOKE SELECT ON streets, address_points FROM abitare_public;
