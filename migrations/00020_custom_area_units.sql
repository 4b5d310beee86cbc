-- Custom areas are sums of their units' figures (geo/customarea): the true count of each unit
-- planners see and the perturbed count of each withheld unit, read from area_indicators and
-- withheld_figures with the planner's own grants. The person-level count of 00017 is no longer
-- used: a function that reads events with the owner's rights should not outlive its reader.

-- +goose Up
DROP FUNCTION custom_area_people(date, date, text, text, text[], geometry);

-- +goose Down
-- +goose StatementBegin
CREATE FUNCTION custom_area_people(p_start date, p_end date, p_period text, p_geography text, p_ids text[], p_polygon geometry)
RETURNS TABLE (indicator text, people int, key_sum bigint, in_withheld_sections int, in_withheld_cells int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT NULL::text, 0, 0::bigint, 0, 0 WHERE false
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION custom_area_people(date, date, text, text, text[], geometry) FROM PUBLIC;
