// The area profile of the static site: from the figures files instead of /api/areas, shaped as
// the published answer of /api/areas (profile.js draws it): the area's published figures for
// the period shown, its residents, the change on the previous period, the quarters of the
// year and the release.
import { changeBetween, isPeriod, isQuarter, previousPeriod } from '../desk/figures.js';
import { loadFigures, periods, shownPeriod } from '../desk/explore.js';

export async function fetchStaticProfile(sel) {
  const period = isPeriod(sel.period) ? sel.period : shownPeriod();
  if (!period) return { error: 'profile_not_found' };
  const file = await loadFigures(sel.geography, period);
  if (!file) return { error: 'profile_error', detail: `${sel.geography} ${period}` };
  const area = file.areas.get(String(sel.id)) || (sel.geography === 'municipality' ? { ...file.city, name: '' } : null);
  if (!area) return { error: 'profile_not_found' };
  const all = periods();
  const prev = previousPeriod(period, all.length ? all : null);
  const year = period.slice(0, 4);
  const quarters = all.filter((p) => isQuarter(p) && p.startsWith(year));
  const [prevFile, ...qFiles] = await Promise.all([
    prev ? loadFigures(sel.geography, prev) : null,
    ...quarters.map((q) => loadFigures(sel.geography, q)),
  ]);
  const figuresIn = (f) => (f ? f.areas.get(String(sel.id))?.figures || (sel.geography === 'municipality' ? f.city.figures : null) : null);
  const prevFigures = figuresIn(prevFile);
  const indicators = file.indicators.map((ind) => {
    const f = area.figures[ind];
    return {
      indicator: ind,
      people: f.people,
      rate: f.rate,
      status: f.status,
      residents: area.residents,
      release: file.release,
      change: prevFigures ? changeBetween(f, prevFigures[ind]) : null,
    };
  });
  const series = {};
  if (quarters.length) {
    for (const ind of file.indicators) {
      series[ind] = quarters.map((q, i) => {
        const f = figuresIn(qFiles[i])?.[ind];
        return { period: q, rate: f ? f.rate : null, status: f ? f.status : 'not_applicable' };
      });
    }
  }
  return {
    data: {
      geography: sel.geography,
      id: String(sel.id),
      name: area.name || sel.name || '',
      period,
      previous: prevFile ? prev : null,
      release: file.release,
      protection: '',
      indicators,
      quarters: series,
    },
  };
}
