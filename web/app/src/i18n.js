// All user-visible strings of the map page, Italian first (default) and English.
// Keys are shared; a missing English key falls back to Italian.

export const LANGS = ['it', 'en'];
export const DEFAULT_LANG = 'it';

export const LOCALES = { it: 'it-IT', en: 'en-GB' };

export const STRINGS = {
  it: {
    title: 'Abitare · Modena: bisogno abitativo',
    subtitle: 'Povertà, disagio abitativo e salute: in quanti ambiti il tasso della zona supera quello cittadino',
    lang_switch_label: 'Lingua',
    layer_switch_label: 'Unità territoriali',
    layer_hexagons: 'Esagoni H3',
    layer_sections: 'Sezioni di censimento',
    legend_title: 'Ambiti sopra la media cittadina',
    overlap_0: 'Nessun ambito sopra la media cittadina',
    overlap_1: '1 ambito',
    overlap_2: '2 ambiti',
    overlap_3: 'Tutti e 3 gli ambiti: povertà, disagio abitativo, salute',
    legend_no_residents: 'Zone senza residenti: appena visibili',
    legend_suppressed: '"< 5": valore non diffuso (sotto la soglia di riservatezza)',
    panel_title: 'Dettagli della zona',
    panel_hint: 'Passa il puntatore su un esagono o una sezione per vedere i dati.',
    hexagon: 'Esagono H3',
    section: 'Sezione di censimento',
    resolution: 'risoluzione',
    residents: 'Residenti',
    domain: 'Ambito',
    count: 'Persone',
    rate: 'per 1.000 res.',
    poverty: 'Povertà',
    housing: 'Disagio abitativo',
    health: 'Salute',
    two_plus: 'In 2 o più ambiti',
    all_three: 'In tutti e 3 gli ambiti',
    overlap: 'Ambiti sopra la media',
    omi_zone: 'Zona OMI',
    suppressed: '< 5',
    suppressed_title: 'dato non diffuso: meno di 5 persone (soglia di riservatezza)',
    not_available: 'n.d.',
    synthetic_note: 'sezioni sintetiche (dimostrative)',
    no_residents: 'Nessun residente',
    attribution:
      'Confini: ISTAT (CC BY 4.0), via openpolis · Zone e quotazioni: Agenzia Entrate - OMI · ' +
      'Sezioni e dati sociali: dimostrativi sintetici (Abitare)',
    error_tiles: 'Impossibile caricare i dati della mappa.',
    error_webgl: 'Il browser non supporta WebGL: impossibile mostrare la mappa.',
  },
  en: {
    title: 'Abitare · Modena: housing need',
    subtitle: 'Poverty, housing hardship and health: in how many domains the area rate is above the city rate',
    lang_switch_label: 'Language',
    layer_switch_label: 'Areas',
    layer_hexagons: 'H3 hexagons',
    layer_sections: 'Census sections',
    legend_title: 'Domains above the city rate',
    overlap_0: 'No domain above the city rate',
    overlap_1: '1 domain',
    overlap_2: '2 domains',
    overlap_3: 'All 3 domains: poverty, housing hardship, health',
    legend_no_residents: 'Areas without residents: barely visible',
    legend_suppressed: '"< 5": value withheld (below the disclosure threshold)',
    panel_title: 'Area details',
    panel_hint: 'Hover over a hexagon or a section to see its figures.',
    hexagon: 'H3 hexagon',
    section: 'Census section',
    resolution: 'resolution',
    residents: 'Residents',
    domain: 'Domain',
    count: 'People',
    rate: 'per 1,000 res.',
    poverty: 'Poverty',
    housing: 'Housing hardship',
    health: 'Health',
    two_plus: 'In 2 or more domains',
    all_three: 'In all 3 domains',
    overlap: 'Domains above the city rate',
    omi_zone: 'OMI zone',
    suppressed: '< 5',
    suppressed_title: 'value withheld: fewer than 5 people (disclosure threshold)',
    not_available: 'n/a',
    synthetic_note: 'synthetic stand-in sections',
    no_residents: 'No residents',
    attribution:
      'Boundaries: ISTAT (CC BY 4.0), via openpolis · Zones and prices: Agenzia Entrate - OMI · ' +
      'Sections and social data: synthetic demo data (Abitare)',
    error_tiles: 'Could not load the map data.',
    error_webgl: 'This browser does not support WebGL: the map cannot be shown.',
  },
};

export function normalizeLang(lang) {
  const l = String(lang || '').toLowerCase().slice(0, 2);
  return LANGS.includes(l) ? l : null;
}

// t(lang, key) returns the string for key, falling back to Italian, then to the key.
export function t(lang, key) {
  const table = STRINGS[lang] || STRINGS[DEFAULT_LANG];
  if (key in table) return table[key];
  if (key in STRINGS[DEFAULT_LANG]) return STRINGS[DEFAULT_LANG][key];
  return key;
}
