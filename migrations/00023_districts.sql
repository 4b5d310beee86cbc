-- Districts of any comune (issue 19, part 3). A district's code is unique within its comune
-- only (every comune has its own B1, C3, D2...), so its id carries the municipality:
-- omi_zones.code is '036023/B3' (the comune's ISTAT code, a slash, the local code) and the new
-- column zone holds the local code, 'B3'. A comune without districts is its own: one district
-- whose id, and local code, is the comune's code ('036005'), of kind 'municipality'. Every table
-- that names a district (census_sections.omi_zone, the area_id of geography 'omi' in the figures)
-- is rewritten with the new ids. The table keeps its name: the geography is still called omi.

-- +goose Up
ALTER TABLE omi_zones
    ADD COLUMN zone text,                         -- the district's code within its comune: B3, or the comune's code
    ADD COLUMN kind text NOT NULL DEFAULT 'omi' CHECK (kind IN ('omi', 'quartieri', 'municipality'));
ALTER TABLE omi_zones ALTER COLUMN band DROP NOT NULL;
ALTER TABLE omi_zones DROP CONSTRAINT omi_zones_band_check;
ALTER TABLE omi_zones ADD CONSTRAINT omi_zones_band_check CHECK (band IS NULL OR band IN ('B', 'C', 'D', 'E', 'R'));

UPDATE omi_zones SET zone = code;
-- comuni stored as their own district (zones.LoadModenaDistricts): code = municipality_code
UPDATE omi_zones SET kind = 'municipality', band = NULL WHERE code = municipality_code;

CREATE TEMP TABLE district_ids ON COMMIT DROP AS
    SELECT code AS old, municipality_code || '/' || code AS new FROM omi_zones
    WHERE municipality_code IS NOT NULL AND kind <> 'municipality' AND position('/' in code) = 0;
UPDATE omi_zones z SET code = d.new FROM district_ids d WHERE z.code = d.old;
UPDATE census_sections s SET omi_zone = d.new FROM district_ids d WHERE s.omi_zone = d.old;
-- a section's district missing from omi_zones is read in the section's comune
UPDATE census_sections SET omi_zone = municipality_code || '/' || omi_zone
WHERE omi_zone IS NOT NULL AND position('/' in omi_zone) = 0 AND omi_zone <> municipality_code;
UPDATE area_stats t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE area_indicators t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE area_overlap t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE area_composite t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE area_coverage t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE hotspots t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE released_indicators t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;
UPDATE withheld_figures t SET area_id = d.new FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.old;

ALTER TABLE omi_zones ALTER COLUMN zone SET NOT NULL;
CREATE UNIQUE INDEX omi_zones_local ON omi_zones (municipality_code, zone);
CREATE INDEX omi_zones_municipality ON omi_zones (municipality_code);

-- +goose Down
CREATE TEMP TABLE district_ids ON COMMIT DROP AS
    SELECT code AS new, zone AS old FROM omi_zones WHERE code <> zone;
UPDATE census_sections s SET omi_zone = d.old FROM district_ids d WHERE s.omi_zone = d.new;
UPDATE census_sections SET omi_zone = split_part(omi_zone, '/', 2) WHERE position('/' in omi_zone) > 0;
UPDATE area_stats t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE area_indicators t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE area_overlap t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE area_composite t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE area_coverage t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE hotspots t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE released_indicators t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE withheld_figures t SET area_id = d.old FROM district_ids d WHERE t.geography = 'omi' AND t.area_id = d.new;
UPDATE omi_zones SET code = zone;
UPDATE omi_zones SET band = 'E' WHERE band IS NULL;
DROP INDEX omi_zones_municipality;
DROP INDEX omi_zones_local;
ALTER TABLE omi_zones DROP CONSTRAINT omi_zones_band_check;
ALTER TABLE omi_zones ADD CONSTRAINT omi_zones_band_check CHECK (band IN ('B', 'C', 'D', 'E', 'R'));
ALTER TABLE omi_zones ALTER COLUMN band SET NOT NULL;
ALTER TABLE omi_zones DROP COLUMN kind, DROP COLUMN zone;
