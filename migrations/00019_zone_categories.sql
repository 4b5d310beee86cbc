-- Categories of residents by OMI district, for the "who is most exposed" view of one district
-- (geo/profile ZoneCategories). Same definitions as category_counts and unclassified_need
-- (00007), split by district: a resident counts for the district of their register section, a
-- person in need for the district where abitare aggregate places them (their latest located
-- event of the period, preferring the map's three domains). Zone '' holds the people in need
-- placed in no district (no located event, or a place outside every district) and the residents
-- whose section has none: the remainder that makes the districts add up to the city.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION zone_category_counts(p_start date, p_end date, p_indicator text, p_year int)
RETURNS TABLE (zone text, dimension text, category text, residents int, in_need int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
), placed AS (
    SELECT n.person, coalesce(l.omi_zone, '') AS zone FROM need n
    LEFT JOIN LATERAL (
        SELECT s.omi_zone FROM events e LEFT JOIN census_sections s ON s.id = e.section_id
        WHERE e.person = n.person AND e.event_date >= p_start AND e.event_date < p_end AND e.geom IS NOT NULL
        ORDER BY (e.domain IN ('poverty', 'housing', 'health')) DESC, e.event_date DESC, e.id DESC LIMIT 1
    ) l ON true
), disabled AS (SELECT DISTINCT person FROM events WHERE kind = 'disability'),
pop AS (
    SELECT coalesce(s.omi_zone, '') AS home, p.zone AS placed, r.sex, r.citizenship, r.household_type,
           CASE WHEN p_year - r.birth_year < 15 THEN '00-14' WHEN p_year - r.birth_year < 25 THEN '15-24'
                WHEN p_year - r.birth_year < 45 THEN '25-44' WHEN p_year - r.birth_year < 65 THEN '45-64'
                WHEN p_year - r.birth_year < 80 THEN '65-79' ELSE '80+' END AS age,
           d.person IS NOT NULL AS disabled
    FROM residents r LEFT JOIN census_sections s ON s.id = r.section_id
    LEFT JOIN disabled d ON d.person = r.pseudonym LEFT JOIN placed p ON p.person = r.pseudonym
), counted AS (
    SELECT home AS zone, 1 AS resident, 0 AS in_need, * FROM pop
    UNION ALL
    SELECT placed, 0, 1, * FROM pop WHERE placed IS NOT NULL
)
SELECT c.zone, v.dimension, v.category, sum(c.resident)::int, sum(c.in_need)::int
FROM counted c, LATERAL (VALUES ('age', c.age), ('sex', c.sex::text), ('citizenship', c.citizenship),
                        ('household_type', lower(c.household_type)), ('disability', CASE WHEN c.disabled THEN 'yes' ELSE 'no' END)) v(dimension, category)
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
$$;

CREATE FUNCTION zone_unclassified_need(p_start date, p_end date, p_indicator text)
RETURNS TABLE (zone text, people int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH need AS (
    SELECT person FROM events WHERE event_date >= p_start AND event_date < p_end
    GROUP BY person
    HAVING (p_indicator = 'multi_domain' AND count(DISTINCT domain) >= 2) OR bool_or(domain = p_indicator)
)
SELECT coalesce(l.omi_zone, ''), count(*)::int FROM need n
LEFT JOIN LATERAL (
    SELECT s.omi_zone FROM events e LEFT JOIN census_sections s ON s.id = e.section_id
    WHERE e.person = n.person AND e.event_date >= p_start AND e.event_date < p_end AND e.geom IS NOT NULL
    ORDER BY (e.domain IN ('poverty', 'housing', 'health')) DESC, e.event_date DESC, e.id DESC LIMIT 1
) l ON true
WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.pseudonym = n.person)
GROUP BY 1 ORDER BY 1
$$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION zone_category_counts(date, date, text, int), zone_unclassified_need(date, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION zone_category_counts(date, date, text, int), zone_unclassified_need(date, date, text) TO abitare_planner;

-- +goose Down
DROP FUNCTION zone_category_counts(date, date, text, int), zone_unclassified_need(date, date, text);
