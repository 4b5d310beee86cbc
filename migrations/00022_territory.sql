-- The territory as data: a study area of one or many comuni (a union, a province, a region),
-- each with the codes of the levels above it, as ISTAT's boundary files give them
-- (geo/territory). Province and region are levels of the map when the territory spans several
-- municipalities. Districts (OMI zones, quartieri) belong to one municipality.

-- +goose Up
ALTER TABLE municipalities
    ADD COLUMN province_code text,                -- COD_PROV, three digits, e.g. 036
    ADD COLUMN region_code text,                  -- COD_REG, two digits, e.g. 08
    ADD COLUMN uts_code text,                     -- COD_UTS: province, metropolitan city or free consortium
    ADD COLUMN cadastral_code text,               -- codice catastale (Belfiore), e.g. F257
    ADD COLUMN province_name text,
    ADD COLUMN region_name text;

-- Every comune's codes nest: the province is the code's first three digits.
UPDATE municipalities SET province_code = substr(code, 1, 3) WHERE province_code IS NULL;
UPDATE municipalities SET region_code = '08', region_name = 'Emilia-Romagna', province_name = 'Modena',
       cadastral_code = 'F257', uts_code = '036'
WHERE code = '036023';
CREATE INDEX municipalities_geom ON municipalities USING gist (geom);
CREATE UNIQUE INDEX municipalities_cadastral ON municipalities (cadastral_code) WHERE cadastral_code IS NOT NULL;

ALTER TABLE omi_zones ADD COLUMN municipality_code text;
UPDATE omi_zones z SET municipality_code = (
    SELECT m.code FROM municipalities m WHERE ST_Intersects(m.geom, ST_PointOnSurface(z.geom))
    ORDER BY m.code LIMIT 1);

-- A record of a comune outside the territory is kept, counted and not placed.
ALTER TABLE events DROP CONSTRAINT events_location_quality_check;
ALTER TABLE events ADD CONSTRAINT events_location_quality_check
    CHECK (location_quality IN ('coordinates', 'address_exact', 'address_fuzzy', 'street', 'none', 'out_of_area'));
ALTER TABLE ingest_batches ADD COLUMN rows_out_of_area integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE ingest_batches DROP COLUMN rows_out_of_area;
UPDATE events SET location_quality = 'none' WHERE location_quality = 'out_of_area';
ALTER TABLE events DROP CONSTRAINT events_location_quality_check;
ALTER TABLE events ADD CONSTRAINT events_location_quality_check
    CHECK (location_quality IN ('coordinates', 'address_exact', 'address_fuzzy', 'street', 'none'));
ALTER TABLE omi_zones DROP COLUMN municipality_code;
DROP INDEX municipalities_cadastral;
DROP INDEX municipalities_geom;
ALTER TABLE municipalities DROP COLUMN province_code, DROP COLUMN region_code, DROP COLUMN uts_code,
    DROP COLUMN cadastral_code, DROP COLUMN province_name, DROP COLUMN region_name;
