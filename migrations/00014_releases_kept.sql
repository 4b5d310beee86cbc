-- +goose Up
-- Every release's protected figures are kept, numbered by their release, rather than each
-- release overwriting the last: a published figure can always be traced to the release that
-- published it. public_indicators and public_overlap become views of the latest release, so
-- everything that reads them (tiles, API, open data) keeps reading the latest figures.
ALTER TABLE public_indicators RENAME TO released_indicators;
ALTER TABLE released_indicators DROP CONSTRAINT public_indicators_pkey;
ALTER TABLE released_indicators ADD PRIMARY KEY (release_id, geography, period, indicator, area_id);
ALTER TABLE public_overlap RENAME TO released_overlap;
ALTER TABLE released_overlap DROP CONSTRAINT public_overlap_pkey;
ALTER TABLE released_overlap ADD PRIMARY KEY (release_id, period, combination);

CREATE VIEW public_indicators AS
SELECT * FROM released_indicators WHERE release_id = (SELECT max(id) FROM releases);
CREATE VIEW public_overlap AS
SELECT * FROM released_overlap WHERE release_id = (SELECT max(id) FROM releases);

REVOKE ALL ON released_indicators, released_overlap, public_indicators, public_overlap FROM PUBLIC;
GRANT SELECT ON released_indicators, released_overlap, public_indicators, public_overlap TO abitare_public;

-- +goose Down
DROP VIEW public_overlap, public_indicators;
DELETE FROM released_overlap WHERE release_id <> (SELECT max(id) FROM releases);
DELETE FROM released_indicators WHERE release_id <> (SELECT max(id) FROM releases);
ALTER TABLE released_overlap DROP CONSTRAINT released_overlap_pkey;
ALTER TABLE released_overlap ADD CONSTRAINT public_overlap_pkey PRIMARY KEY (period, combination);
ALTER TABLE released_overlap RENAME TO public_overlap;
ALTER TABLE released_indicators DROP CONSTRAINT released_indicators_pkey;
ALTER TABLE released_indicators ADD CONSTRAINT public_indicators_pkey PRIMARY KEY (geography, period, indicator, area_id);
ALTER TABLE released_indicators RENAME TO public_indicators;
GRANT SELECT ON public_indicators, public_overlap TO abitare_public;
