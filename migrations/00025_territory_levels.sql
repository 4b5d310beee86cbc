-- Province and region as levels of the map, when the territory spans several municipalities
-- (a province) or several provinces (a region): their outlines are the union of their comuni,
-- kept here so that tiles, downloads and the disclosure relations read them without a union
-- on every request. A territory of one comune has neither: its province would be the comune
-- under another name. Refreshed whenever the municipalities change (territory.Store,
-- zones.LoadModena: REFRESH MATERIALIZED VIEW territory_areas).

-- +goose Up
CREATE MATERIALIZED VIEW territory_areas AS
WITH n AS (SELECT count(*) AS comuni, count(DISTINCT province_code) AS provinces FROM municipalities)
SELECT 'province'::text AS geography, province_code AS code,
       coalesce(max(province_name), 'Provincia ' || province_code) AS name,
       ST_Multi(ST_Union(geom))::geometry(MultiPolygon, 4326) AS geom
FROM municipalities, n WHERE n.comuni > 1 AND province_code IS NOT NULL GROUP BY province_code
UNION ALL
SELECT 'region', region_code, coalesce(max(region_name), 'Regione ' || region_code),
       ST_Multi(ST_Union(geom))::geometry(MultiPolygon, 4326)
FROM municipalities, n WHERE n.provinces > 1 AND region_code IS NOT NULL GROUP BY region_code;
CREATE UNIQUE INDEX territory_areas_key ON territory_areas (geography, code);

-- The levels above each comune, NULL where the level is not one of the map's.
CREATE VIEW municipality_levels AS
SELECT m.code AS municipality_code, p.code AS province, r.code AS region
FROM municipalities m
LEFT JOIN territory_areas p ON p.geography = 'province' AND p.code = m.province_code
LEFT JOIN territory_areas r ON r.geography = 'region' AND r.code = m.region_code;

-- Public reference data, like the municipalities.
GRANT SELECT ON territory_areas, municipality_levels TO abitare_public;

-- +goose Down
DROP VIEW municipality_levels;
DROP MATERIALIZED VIEW territory_areas;
