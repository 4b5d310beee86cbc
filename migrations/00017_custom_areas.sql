-- Custom areas (geo/customarea): a planner's own selection of sections or H3 cells, or a drawn
-- polygon, counted from person-level data. Planners may not read events or people, so the count
-- runs here with the owner's rights and returns, per indicator, only the number of people and
-- the cell key of their record keys; the perturbation that protects the count is applied by the
-- caller with the latest release's parameters, which custom_area_protection hands over without
-- the release secret itself.

-- +goose Up
-- +goose StatementBegin

-- custom_area_people places each person of the period [p_start, p_end) as geo/aggregate does
-- (personQuarterSQL, periodPeopleSQL): at their latest located event, preferring the map's
-- three domains (poverty, housing, health), then the latest date, then the latest id; with the
-- domains of all their events of the period. A person counts once, in the selection if that
-- place lies in it: in one of p_ids at p_geography (section, h3_7..h3_10), or in p_polygon when
-- p_geography is 'polygon'. For each indicator it also counts the people placed in a census
-- section, and in an H3 10 cell, whose figure of period p_period is withheld (withheld_figures):
-- subtracting shown units from the selection would isolate them, so the caller withholds the
-- figure when they are few.
CREATE FUNCTION custom_area_people(p_start date, p_end date, p_period text, p_geography text, p_ids text[], p_polygon geometry)
RETURNS TABLE (indicator text, people int, key_sum bigint, in_withheld_sections int, in_withheld_cells int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH period_events AS (
    SELECT id, person, domain, event_date, h3_cell, section_id, geom
    FROM events WHERE event_date >= p_start AND event_date < p_end
), latest AS (
    SELECT DISTINCT ON (person) person, h3_cell, section_id, geom
    FROM period_events WHERE geom IS NOT NULL
    ORDER BY person, (domain IN ('poverty', 'housing', 'health')) DESC, event_date DESC, id DESC
), placed AS (
    SELECT l.person, l.section_id, l.h3_cell FROM latest l LEFT JOIN h3_lineage g ON g.cell10 = l.h3_cell
    WHERE CASE p_geography
        WHEN 'section' THEN l.section_id = ANY (p_ids)
        WHEN 'h3_10' THEN to_hex(l.h3_cell) = ANY (p_ids)
        WHEN 'h3_9' THEN to_hex(g.cell9) = ANY (p_ids)
        WHEN 'h3_8' THEN to_hex(g.cell8) = ANY (p_ids)
        WHEN 'h3_7' THEN to_hex(g.cell7) = ANY (p_ids)
        WHEN 'polygon' THEN ST_Intersects(p_polygon, l.geom)
        ELSE false
    END
), domains AS (
    SELECT e.person, p.section_id, p.h3_cell, bool_or(e.domain = 'poverty') AS poverty, bool_or(e.domain = 'housing') AS housing,
           bool_or(e.domain = 'health') AS health, bool_or(e.domain = 'work') AS work,
           bool_or(e.domain = 'education') AS education, count(DISTINCT e.domain) AS all_domains
    FROM period_events e JOIN placed p USING (person)
    GROUP BY e.person, p.section_id, p.h3_cell
)
SELECT v.indicator, count(*) FILTER (WHERE v.counted)::int,
       coalesce(sum(pe.record_key::bigint) FILTER (WHERE v.counted), 0) % 2147483648,
       count(*) FILTER (WHERE v.counted AND EXISTS (SELECT 1 FROM withheld_figures w WHERE w.geography = 'section'
           AND w.area_id = d.section_id AND w.period = p_period AND w.figure = v.indicator))::int,
       count(*) FILTER (WHERE v.counted AND EXISTS (SELECT 1 FROM withheld_figures w WHERE w.geography = 'h3_10'
           AND w.area_id = to_hex(d.h3_cell) AND w.period = p_period AND w.figure = v.indicator))::int
FROM domains d JOIN people pe ON pe.pseudonym = d.person,
     LATERAL (VALUES ('poverty', d.poverty), ('housing', d.housing), ('health', d.health), ('work', d.work),
                     ('education', d.education), ('multi_domain', d.all_domains >= 2)) v(indicator, counted)
GROUP BY v.indicator
$$;

-- custom_area_protection is the latest release's perturbation: its parameters, and a key for
-- empty selections derived from the release secret (which stays here).
CREATE FUNCTION custom_area_protection()
RETURNS TABLE (release_id bigint, threshold int, parameters jsonb, zero_secret bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT r.id, r.threshold, r.parameters, sha256('abitare custom area'::bytea || s.secret)
FROM releases r CROSS JOIN release_secret s
ORDER BY r.id DESC LIMIT 1
$$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION custom_area_people(date, date, text, text, text[], geometry), custom_area_protection() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION custom_area_people(date, date, text, text, text[], geometry), custom_area_protection() TO abitare_planner;

-- +goose Down
DROP FUNCTION custom_area_people(date, date, text, text, text[], geometry), custom_area_protection();
