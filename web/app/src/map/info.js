// The hover card: the figures of the area under the pointer, from the tile properties.
import { DISTRICT_SOURCE, kindOfSource } from '../model/catalog.js';
import { OVERLAP_COLORS, clusterColor, isSuppressed } from './classify.js';
import { esc, has, num, truthy } from '../i18n/format.js';
import {
  $, L, LF, countCell, int, isPublishedFeature, rate, rateCell, swatch, unstableMark,
} from '../panels/html.js';
import { t } from '../i18n/i18n.js';
import {
  analysisLabel, areaCode, areaKind, clusterLabel, namedGeography,
} from '../i18n/labels.js';
import { state } from '../model/state.js';
import { mapsInfo } from './maps-info.js';
import { analyses, indicators, mapDomains } from '../model/vocabulary.js';

function areaHead(src, p) {
  const kindOf = kindOfSource(src);
  const kind = kindOf === 'h3' ? (src === 'adaptive' ? 'hexagon_adaptive' : 'hexagon') : areaKind(kindOf);
  const id = has(p, 'id') ? esc(areaCode(kindOf === 'omi' ? 'omi' : '', p.id)) : L('not_available');
  let head = `<p class="area-id"><span class="area-kind">${L(kind)}</span> <code>${id}</code>`;
  if (kindOf === 'h3' && has(p, 'resolution')) head += ` <span class="area-res">(${L('resolution')} ${int(num(p, 'resolution') ?? 0)})</span>`;
  if (namedGeography(kindOf) && has(p, 'name')) head += ` <span class="area-name">${esc(p.name)}</span>`;
  head += '</p>';
  if (kindOf === 'section' && truthy(p.synthetic)) head += `<p class="note synthetic">${L('synthetic_note')}</p>`;
  return head;
}

// Hover card lines of views drawn by code loaded later (the trends view of foresight/):
// view -> (props) => html.
const viewInfos = new Map();

export function setViewInfo(view, info) {
  viewInfos.set(view, info);
}

export function renderInfo() {
  const body = $('#info-body');
  const h = state.hovered;
  if (!h) {
    body.innerHTML = `<p class="hint">${L('panel_hint')}</p>`;
    return;
  }
  const p = h.props;
  const head = areaHead(h.source, p);
  if (num(p, 'residents') === 0) {
    body.innerHTML = `${head}<p class="no-residents">${L('no_residents')}</p>`;
    return;
  }
  let html = head;
  if (state.view === 'indicator' || state.view === 'bivariate') html += mapsInfo(p) + infoIndicator(p);
  else if (state.view === 'hotspot') html += infoHotspot(p);
  else if (viewInfos.has(state.view)) html += viewInfos.get(state.view)(p);
  else html += infoOverlap(p);
  // A static site has no profile to open.
  if (!state.static) html += `<p class="hint click-hint">${L('click_hint')}</p>`;
  body.innerHTML = html;
}

function figure(label, value) {
  return `<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

function infoOverlap(p) {
  const overlap = num(p, 'overlap');
  let html = `<dl class="figures">${figure(L('residents'), countCell(p, 'residents'))}`;
  if (overlap !== null && overlap >= 0 && overlap <= 3) html += figure(L('overlap'), `${swatch(OVERLAP_COLORS[overlap])} ${int(overlap)}/3`);
  if (has(p, 'omi_zone')) html += figure(L('omi_zone'), esc(areaCode('omi', p.omi_zone)));
  html += '</dl>';
  html += `<table class="domains"><thead><tr><th scope="col">${L('domain')}</th><th scope="col" class="num">${L('count')}</th><th scope="col" class="num">${L('rate')}</th></tr></thead><tbody>`;
  for (const d of mapDomains()) {
    html += `<tr data-domain="${d}"><th scope="row">${L(d)}</th><td class="num">${countCell(p, d)}</td><td class="num">${rateCell(p, `${d}_rate`)}</td></tr>`;
  }
  // Published figures have no two_plus / all_three: the multi-domain indicator stands in.
  const overlapCounts = has(p, 'two_plus') || has(p, 'all_three') || !isPublishedFeature(p);
  if (!overlapCounts && (has(p, 'multi_domain') || has(p, 'multi_domain_status'))) {
    html += `<tr data-domain="multi_domain"><th scope="row">${L('multi_domain')}</th><td class="num">${countCell(p, 'multi_domain')}</td>`
      + `<td class="num">${rateCell(p, 'multi_domain_rate')}</td></tr>`;
  }
  html += '</tbody></table>';
  if (overlapCounts) {
    html += `<dl class="figures">${figure(L('two_plus'), countCell(p, 'two_plus'))}${figure(L('all_three'), countCell(p, 'all_three'))}</dl>`;
  }
  return html;
}

function infoIndicator(p) {
  const ind = state.indicator;
  // Published figures have no EB rate: no EB column then.
  const withEB = indicators().some((i) => has(p, `${i}_eb`)) || !isPublishedFeature(p);
  let html = `<dl class="figures">${figure(L('residents'), countCell(p, 'residents'))}</dl>`;
  html += `<table class="domains"><thead><tr><th scope="col">${L('indicator_label')}</th><th scope="col" class="num">${L('count')}</th>`
    + `<th scope="col" class="num">${L('rate_short')}</th>${withEB ? `<th scope="col" class="num">${L('eb_short')}</th>` : ''}</tr></thead><tbody>`;
  for (const i of indicators()) {
    const cur = i === ind ? ' class="current"' : '';
    html += `<tr data-indicator="${i}"${cur}><th scope="row">${L(i)}</th><td class="num">${countCell(p, i)}</td>`
      + `<td class="num">${rateCell(p, `${i}_rate`)}${unstableMark(num(p, `${i}_rate`) !== null && truthy(p[`${i}_unstable`]))}</td>`
      + `${withEB ? `<td class="num">${rateCell(p, `${i}_eb`)}</td>` : ''}</tr>`;
  }
  html += '</tbody></table>';
  if (isSuppressed(p, ind) && state.available.has(DISTRICT_SOURCE)) {
    html += `<p class="small muted">${LF('district_hint', { ind: t(state.lang, ind) })}</p>`;
  }
  const lo = num(p, `${ind}_low`);
  const hi = num(p, `${ind}_high`);
  if (lo !== null && hi !== null) {
    html += `<p class="small">${L(ind)}: ${L('ci95')} ${rate(lo)}–${rate(hi)} ${L('per_thousand')}</p>`;
  }
  return html;
}

function infoHotspot(p) {
  const lang = state.lang;
  const a = state.analysis;
  const code = num(p, a) ?? 0;
  let html = `<p class="cluster-line">${swatch(clusterColor(a, code))} <strong>${esc(clusterLabel(lang, a, code))}</strong></p>`;
  html += `<p class="small muted">${esc(analysisLabel(lang, a))}</p>`;
  const others = analyses().filter((x) => x !== a && (num(p, x) ?? 0) > 0);
  if (others.length) {
    html += '<ul class="memberships">';
    for (const x of others) html += `<li>${swatch(clusterColor(x, num(p, x)))} ${esc(analysisLabel(lang, x))}: ${esc(clusterLabel(lang, x, num(p, x)))}</li>`;
    html += '</ul>';
  }
  return html;
}
