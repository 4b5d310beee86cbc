-- +goose Up
-- Vector tiles are rendered when the figures change, not per request: each release renders the
-- public layers and each analysis run the restricted ones into PMTiles archives, which the
-- server holds in memory. A tileset is one such rendering; its id is the version in tile URLs.

-- The small-count rule, written once for SQL: a count is published when it is zero or at
-- least the threshold; from 1 to threshold-1 it is withheld (NULL). Go's twin is
-- disclosure.Withheld.
CREATE FUNCTION published_count(n integer, threshold integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT CASE WHEN n = 0 OR n >= threshold THEN n END $$;

CREATE TABLE tilesets (
    id bigserial PRIMARY KEY,
    audience text NOT NULL CHECK (audience IN ('public', 'restricted')),
    release_id bigint REFERENCES releases (id),  -- public: the release rendered
    run_id bigint,                               -- restricted: the latest analysis run then
    min_count integer NOT NULL,                  -- restricted: counts 1..min_count-1 withheld
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    build_seconds double precision NOT NULL,
    CHECK ((audience = 'public') = (release_id IS NOT NULL))
);
CREATE UNIQUE INDEX tilesets_one_per_release ON tilesets (release_id);

CREATE TABLE tile_archives (
    tileset_id bigint NOT NULL REFERENCES tilesets (id) ON DELETE CASCADE,
    layer text NOT NULL,
    archive bytea NOT NULL,          -- PMTiles v3, gzip-compressed MVT tiles
    sha256 bytea NOT NULL,
    tiles integer NOT NULL,
    features bigint NOT NULL,        -- features rendered over every zoom
    PRIMARY KEY (tileset_id, layer)
);
-- Archives are stored as they are: they are compressed already.
ALTER TABLE tile_archives ALTER COLUMN archive SET STORAGE EXTERNAL;

-- Anonymous users read the public tilesets only; planners (and the housing office) all.
CREATE VIEW public_tilesets AS
SELECT id, audience, release_id, run_id, min_count, created_at, build_seconds FROM tilesets WHERE audience = 'public';
CREATE VIEW public_tile_archives AS
SELECT a.tileset_id, a.layer, a.archive, a.sha256, a.tiles, a.features
FROM tile_archives a JOIN tilesets t ON t.id = a.tileset_id WHERE t.audience = 'public';

REVOKE ALL ON tilesets, tile_archives, public_tilesets, public_tile_archives FROM PUBLIC;
GRANT SELECT ON public_tilesets, public_tile_archives TO abitare_public;
GRANT SELECT ON tilesets, tile_archives TO abitare_planner;
GRANT EXECUTE ON FUNCTION published_count(integer, integer) TO PUBLIC;

-- +goose Down
DROP VIEW public_tile_archives, public_tilesets;
DROP TABLE tile_archives, tilesets;
DROP FUNCTION published_count(integer, integer);
