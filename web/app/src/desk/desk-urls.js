// The API addresses of the desk views, from the API's base URL (…/api/). Pure: no DOM.

function withParams(url, params) {
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) url.searchParams.set(k, v === true ? '1' : String(v));
  }
  return url;
}

// GET /api/categories?domain=D[&period=P][&geography=omi&id=ZONE]: the city, or one OMI zone
export function categoriesURL(base, domain, period, zone = '') {
  return withParams(new URL('categories', base), {
    domain, period, geography: zone ? 'omi' : '', id: zone,
  });
}

// GET /api/compare?geography=G&ids=a,b,c[&period=P]
export function compareURL(base, geography, ids, period) {
  return withParams(new URL('compare', base), { geography, ids: ids.join(','), period });
}

// GET /api/areas/{geography}/{id}/report?format=xlsx|html&lang=it|en[&period=P]
export function reportURL(base, geography, id, { format = 'html', lang = 'it', period } = {}) {
  const u = new URL(`areas/${encodeURIComponent(geography)}/${encodeURIComponent(id)}/report`, base);
  return withParams(u, { format, lang, period });
}

// The population register's household types, as GET /api/targeting takes them (abitare.HouseholdTypes).

// GET /api/targeting?geography=G&id=I&need=N&purpose=…[&period=P][&without_help=true]
// [&household_type=T][&format=xlsx&lang=L]: the list, or (format=xlsx) its workbook.
export function targetingURL(base, {
  geography, id, need, purpose, period, withoutHelp, householdType, format, lang,
}) {
  return withParams(new URL('targeting', base), {
    geography, id, need, purpose, period, without_help: withoutHelp ? 'true' : '', household_type: householdType, format, lang,
  });
}

// The areas of a comparison grouped by geography, in the order given; the municipality is the
// benchmark of every /api/compare answer, not an area of it.
export function comparedByGeography(list) {
  const out = new Map();
  for (const a of list) {
    if (a.geography === 'municipality') continue;
    if (!out.has(a.geography)) out.set(a.geography, []);
    out.get(a.geography).push(String(a.id));
  }
  return out;
}
