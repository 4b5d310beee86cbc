// The public map's extras, wired by main.js: the search box, the share dialog, the print
// sheet, the zone labels and the basemap; and the embed mode (see embed-boot.js): a compact
// card, the anonymous public's published figures only, a locked area, a map that may not move.
import { PUBLIC_LAYERS } from '../model/catalog.js';
import { appURL } from './embed.js';
import { EMBED, EMBED_OPTIONS } from './embed-boot.js';
import { $ } from '../panels/html.js';
import { mountPrint } from '../panels/print.js';
import { mountSearch } from './search-ui.js';
import { ANONYMOUS } from '../model/session.js';
import { mountShare } from './share-ui.js';
import { state } from '../model/state.js';
import { mountZoneLabels, startZoneLabels } from '../map/zone-labels.js';

export { EMBED, frameBlocked } from './embed-boot.js';
export { loadBasemap, rememberBasemap } from '../map/basemap-layer.js';

// Before the first render: the elements of the extras, and the embed's look.
export function initPublic() {
  const controls = $('#controls');
  if (EMBED) mountEmbed(controls);
  else {
    mountSearch(controls);
    mountShare(controls);
  }
  mountZoneLabels($('#legend'));
  mountPrint();
  if (lockedArea()) {
    // The locked area stays open: Escape does not close it (the page's handler skips a handled key).
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.target.closest?.('dialog')) e.preventDefault();
    }, true);
  }
}

// The embed shows what the anonymous public sees, whoever the browser is logged in as.
export function publicBoot(boot) {
  if (!EMBED) return boot;
  const catalog = boot.catalog
    ? { layers: new Set([...boot.catalog.layers].filter((l) => PUBLIC_LAYERS.includes(l))), sources: boot.catalog.sources }
    : null;
  return { ...boot, session: ANONYMOUS, catalog: catalog?.layers.size ? catalog : null };
}

export const lockedArea = () => (EMBED ? EMBED_OPTIONS.area : null);

// Whether a click on the map may open an area's profile: not in a locked or fixed embed.
export function canSelect() {
  return !EMBED || (!EMBED_OPTIONS.area && EMBED_OPTIONS.interactive);
}

// Once the map exists.
export function publicMap(map) {
  startZoneLabels(map);
  if (!EMBED || EMBED_OPTIONS.interactive) return;
  for (const h of ['dragPan', 'scrollZoom', 'boxZoom', 'dragRotate', 'keyboard', 'doubleClickZoom', 'touchZoomRotate', 'touchPitch']) {
    map[h]?.disable();
  }
  map.getCanvas().removeAttribute('tabindex');
}

function mountEmbed(card) {
  const body = document.body;
  body.classList.add('embed');
  body.classList.toggle('embed-fixed', !EMBED_OPTIONS.interactive);
  body.classList.toggle('embed-nolegend', !EMBED_OPTIONS.legend);
  body.classList.toggle('embed-locked', !!EMBED_OPTIONS.area);
  const a = document.createElement('a');
  a.id = 'embed-open';
  a.className = 'embed-open small';
  a.target = '_blank';
  a.rel = 'noopener';
  a.dataset.i18n = 'emb_open';
  const refresh = () => { a.href = appURL(window.location.href, { static: state.static }); };
  refresh();
  // The full map with the state the embed shows now (it may have moved).
  for (const ev of ['pointerdown', 'focus', 'mouseenter']) a.addEventListener(ev, refresh);
  (card.querySelector('.controls-head') || card).append(a);
}
