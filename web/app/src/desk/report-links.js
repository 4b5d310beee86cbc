// The area profile's report downloads (live site only; the static site has no /api): the
// workbook and the printable page of GET /api/areas/{geography}/{id}/report. The server answers
// each role with what it may read: the public gets the published figures from the same route.
import { apiURL } from '../model/api.js';
import { esc } from '../i18n/format.js';
import { L } from '../panels/html.js';
import { state } from '../model/state.js';
import { reportURL } from './desk-urls.js';

export function reportLinks(sel) {
  if (!sel || state.static) return '';
  const period = state.profile?.data?.period || sel.period || '';
  const base = apiURL('./');
  const link = (format, lang, key, extra = '') => {
    const href = reportURL(base, sel.geography, sel.id, { format, lang, period }).href;
    return `<a class="report-link" data-report="${format}-${lang}" href="${esc(href)}"${extra}>${L(key)}</a>`;
  };
  return `<p class="report-links"><span class="muted">${L('rep_title')}:</span>`
    + `${link('xlsx', state.lang, 'rep_xlsx', ' download')}`
    + `${link('html', 'it', 'rep_html_it', ' target="_blank" rel="noopener" hreflang="it"')}`
    + `${link('html', 'en', 'rep_html_en', ' target="_blank" rel="noopener" hreflang="en"')}</p>`;
}
