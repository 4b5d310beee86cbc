// Reference labels without a basemap: the OMI zones' names at their centres (from the
// gazetteer), small HTML markers shown from zoom 12, switched on and off by a checkbox in the
// legend card (remembered). Decorative: hidden from assistive technology, not clickable.
import { Marker } from 'maplibre-gl';
import { hasBasemap } from './basemap-layer.js';
import { loadGazetteer } from '../public/gazetteer.js';
import { displayName } from '../public/search.js';

export const LABEL_MIN_ZOOM = 12;
const KEY = 'abitare.zonelabels';

let on = true;
let toggle = null;
let map = null;
let markers = null; // null: not made yet
let loading = false;

try { on = window.localStorage.getItem(KEY) !== '0'; } catch { /* private mode */ }

// The checkbox, at the end of the legend card.
export function mountZoneLabels(card) {
  const label = document.createElement('label');
  label.className = 'check ref-toggle';
  label.id = 'zone-labels-toggle';
  toggle = document.createElement('input');
  toggle.type = 'checkbox';
  toggle.id = 'zone-labels';
  toggle.checked = on;
  const text = document.createElement('span');
  text.dataset.i18n = 'bm_zone_labels';
  label.append(toggle, ' ', text);
  card.append(label);
  toggle.addEventListener('change', () => {
    on = toggle.checked;
    try { window.localStorage.setItem(KEY, on ? '1' : '0'); } catch { /* not remembered */ }
    refresh();
  });
}

// Labels on the map, unless a basemap draws its own.
export function startZoneLabels(m) {
  map = m;
  if (hasBasemap()) {
    if (toggle) toggle.closest('label').hidden = true;
    return;
  }
  map.on('zoom', refresh);
  refresh();
}

function refresh() {
  if (!map) return;
  const show = on && map.getZoom() >= LABEL_MIN_ZOOM;
  map.getContainer().classList.toggle('zone-labels-on', show);
  if (show && !markers && !loading) makeLabels();
}

async function makeLabels() {
  loading = true;
  try {
    const index = await loadGazetteer();
    markers = index.zones.filter((z) => z.name).map((z) => {
      const el = document.createElement('div');
      el.className = 'ref-label';
      el.setAttribute('aria-hidden', 'true');
      el.textContent = displayName(z.name);
      return new Marker({ element: el, anchor: 'center' }).setLngLat(z.center).addTo(map);
    });
  } catch {
    markers = []; // no labels (the failure is logged); not asked again
  } finally {
    loading = false;
  }
}
