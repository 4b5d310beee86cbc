// The gazetteer (streets with house numbers, OMI zones, census sections): GET /api/gazetteer,
// or gazetteer.json next to the static site's page. Read once, on first use.
import { apiFetch, apiURL } from '../model/api.js';
import { appFolder } from './embed.js';
import { setComuni } from '../i18n/labels.js';
import { buildIndex } from './search.js';
import { state } from '../model/state.js';

let pending = null;

export function gazetteerURL() {
  return state.static ? new URL('gazetteer.json', appFolder(window.location.href)) : apiURL('gazetteer');
}

// The search index of the gazetteer (see search.js buildIndex); rejects when it cannot be read
// (asked again next time).
export function loadGazetteer() {
  if (!pending) {
    pending = (async () => {
      const res = await apiFetch(gazetteerURL());
      if (!res.ok) throw new Error(`gazetteer: HTTP ${res.status}`);
      const index = buildIndex(await res.json());
      setComuni(index.municipalities); // districts are labelled with their comune's name
      return index;
    })();
    pending.catch((err) => {
      console.error(err);
      pending = null;
    });
  }
  return pending;
}
