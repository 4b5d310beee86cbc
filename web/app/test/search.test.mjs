import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildIndex, displayName, findNumber, nameScore, normalize, normalizeNumber, parseQuery, resultArea, resultBounds, search, streetNumber, tokens,
} from '../src/public/search.js';

const GAZETTEER = {
  streets: [
    { name: 'Via Emilia Est', numbers: [['12', 10.93421, 44.64712], ['14', 10.935, 44.647], ['12/A', 10.9343, 44.6471], ['3', 10.93, 44.64], ['1', 10.929, 44.639]] },
    { name: 'Via Emilia Ovest', numbers: [['1', 10.9, 44.6], ['25', 10.89, 44.61]] },
    { name: 'Piazza Grande', numbers: [['1', 10.92, 44.64], ['5', 10.921, 44.641], ['9', 10.922, 44.642]] },
    { name: 'Corso Canal Grande', numbers: [['2', 10.926, 44.643]] },
    { name: 'Viale Caduti in Guerra', numbers: [['20', 10.93, 44.65]] },
    { name: 'Via XXV Aprile', numbers: [['2', 10.91, 44.62]] },
    { name: 'Via 25 Aprile', numbers: [['8', 10.911, 44.621]] },
    { name: "Via Sant'Agnese", numbers: [['7', 10.915, 44.63]] },
    { name: 'Largo Garibaldi', numbers: [['4', 10.93, 44.647]] },
    { name: 'Via Università', numbers: [['4', 10.927, 44.644]] },
    { name: 'Via Senza Numeri', numbers: [] },
    { name: '', numbers: [['1', 10, 44]] },
    { numbers: [['1', 10, 44]] },
    { name: 'Via Rotta', numbers: [['1', 'x', 44], ['2']] },
  ],
  zones: [
    { id: 'B1', name: 'Centro storico', center: [10.925, 44.645], bbox: [10.915, 44.64, 10.935, 44.65] },
    { id: 'C2', name: 'Crocetta - San Lazzaro', center: [10.95, 44.66], bbox: [10.94, 44.65, 10.96, 44.67] },
    { id: 'D7', name: 'Centro', center: [10.92, 44.64] },
    { id: 'bad', name: 'Senza centro' },
  ],
  sections: [
    { id: '360230000123', center: [10.9, 44.6], bbox: [10.89, 44.59, 10.91, 44.61] },
    { id: '360230000456', center: [10.95, 44.62], bbox: [10.94, 44.61, 10.96, 44.63] },
    { id: 'nocenter' },
  ],
};
const INDEX = buildIndex(GAZETTEER);
const top = (q) => search(INDEX, q)[0];

describe('tokens and normalize', () => {
  it('removes case, accents and punctuation', () => {
    assert.deepEqual(tokens('VIA ÉMILIA  Est,'), ['via', 'emilia', 'est']);
    assert.equal(normalize("Via Sant'Agnese"), 'via sant agnese');
    assert.equal(normalize('Via Università'), 'via universita');
    assert.equal(normalize('  '), '');
    assert.equal(normalize(null), '');
  });

  it('expands the abbreviations of street types', () => {
    assert.equal(normalize('v. Emilia'), 'via emilia');
    assert.equal(normalize('V.Emilia Est'), 'via emilia est');
    assert.equal(normalize('p.za Grande'), 'piazza grande');
    assert.equal(normalize('P.zza Grande'), 'piazza grande');
    assert.equal(normalize('p.zzagrande'), 'piazza grande');
    assert.equal(normalize('c.so Canal Grande'), 'corso canal grande');
    assert.equal(normalize('v.le Caduti'), 'viale caduti');
    assert.equal(normalize('l.go Garibaldi'), 'largo garibaldi');
  });

  it('keeps a house number with its letter as one word', () => {
    assert.deepEqual(tokens('P.zza Grande, 3/A'), ['piazza', 'grande', '3a']);
    assert.deepEqual(tokens('via emilia 12-b'), ['via', 'emilia', '12b']);
    assert.equal(normalizeNumber('12 / A'), '12a');
    assert.equal(normalizeNumber(12), '12');
  });
});

describe('parseQuery', () => {
  it('reads the number at the end or at the start', () => {
    assert.deepEqual(parseQuery('via emilia est 12')[0], { street: ['via', 'emilia', 'est'], number: '12' });
    assert.deepEqual(parseQuery('12 via emilia est')[0], { street: ['via', 'emilia', 'est'], number: '12' });
    assert.deepEqual(parseQuery('via emilia est 12 a')[0], { street: ['via', 'emilia', 'est'], number: '12a' });
  });

  it('always keeps the reading without a number', () => {
    const r = parseQuery('via 25 aprile');
    assert.deepEqual(r, [{ street: ['via', '25', 'aprile'], number: null }]);
    assert.ok(parseQuery('via emilia est 12').some((x) => x.number === null));
  });

  it('reads a lone number as a street query (no address)', () => {
    assert.deepEqual(parseQuery('12'), [{ street: ['12'], number: null }]);
  });
});

describe('buildIndex', () => {
  it('keeps valid entries only', () => {
    assert.deepEqual(INDEX.streets.map((s) => s.name).includes('Via Senza Numeri'), false);
    assert.equal(INDEX.streets.some((s) => s.name === ''), false);
    assert.deepEqual(INDEX.streets.find((s) => s.name === 'Via Rotta'), undefined);
    assert.deepEqual(INDEX.zones.map((z) => z.id), ['B1', 'C2', 'D7']);
    assert.deepEqual(INDEX.sections.map((s) => s.id), ['360230000123', '360230000456']);
  });

  it('takes anything for a gazetteer', () => {
    for (const g of [null, undefined, 'x', 42, [], { streets: 'no' }]) {
      assert.deepEqual(buildIndex(g), { streets: [], zones: [], sections: [], municipalities: [] });
      assert.deepEqual(search(buildIndex(g), 'via emilia 12'), []);
    }
  });
});

describe('search: addresses', () => {
  const EXPECT = { kind: 'address', label: 'Via Emilia Est 12', center: [10.93421, 44.64712] };
  for (const q of ['via emilia est 12', '12 via emilia est', 'Via Emilia Est, 12', 'VIA EMILIA EST 12', 'v. emilia est 12', 'v.emilia est 12', 'emilia est 12', 'via emília èst 12']) {
    it(`finds "${q}"`, () => {
      const r = top(q);
      assert.equal(r.kind, EXPECT.kind);
      assert.equal(r.label, EXPECT.label);
      assert.deepEqual(r.center, EXPECT.center);
      assert.equal(r.exact, true);
    });
  }

  it('matches a number with a letter', () => {
    assert.equal(top('via emilia est 12/a').label, 'Via Emilia Est 12/A');
    assert.equal(top('via emilia est 12a').label, 'Via Emilia Est 12/A');
    assert.equal(top('via emilia est 12 a').label, 'Via Emilia Est 12/A');
  });

  it('expands the abbreviations', () => {
    assert.equal(top('p.za grande 5').label, 'Piazza Grande 5');
    assert.equal(top('p.zza grande 5').label, 'Piazza Grande 5');
    assert.equal(top('c.so canal grande 2').label, 'Corso Canal Grande 2');
    assert.equal(top('v.le caduti in guerra 20').label, 'Viale Caduti in Guerra 20');
  });

  it('takes apostrophes and accents either way', () => {
    assert.equal(top('sant agnese 7').label, "Via Sant'Agnese 7");
    assert.equal(top("via sant'agnese 7").label, "Via Sant'Agnese 7");
    assert.equal(top('via universita 4').label, 'Via Università 4');
  });

  it('gives the nearest number, marked not exact, for a number the street lacks', () => {
    const r = top('via emilia est 13');
    assert.equal(r.kind, 'address');
    assert.equal(r.exact, false);
    assert.ok(['Via Emilia Est 12', 'Via Emilia Est 14'].includes(r.label));
    assert.ok(search(INDEX, 'via emilia est 13')[0].score < search(INDEX, 'via emilia est 12')[0].score);
  });

  it('ranks the exact street first, and lists the others', () => {
    const list = search(INDEX, 'via emilia 1');
    assert.ok(list.length >= 2);
    assert.ok(list.slice(0, 2).every((r) => r.label.startsWith('Via Emilia')));
  });

  it('reads a number inside the street name', () => {
    assert.equal(top('via 25 aprile').label, 'Via 25 Aprile');
    assert.equal(top('via 25 aprile 8').label, 'Via 25 Aprile 8');
    assert.equal(top('via xxv aprile 2').label, 'Via XXV Aprile 2');
  });
});

describe('search: streets without a number', () => {
  it('gives the street at its middle number', () => {
    const r = top('piazza grande');
    assert.equal(r.kind, 'street');
    assert.equal(r.label, 'Piazza Grande');
    assert.equal(r.number, '5');
    assert.deepEqual(r.center, [10.921, 44.641]);
  });

  it('gives the first number of a street with one or two', () => {
    assert.equal(streetNumber(INDEX.streets.find((s) => s.name === 'Via Emilia Ovest')).number, '1');
  });

  it('finds a street from the start of its name', () => {
    assert.equal(top('via emil').kind, 'street');
    assert.ok(top('via emil').label.startsWith('Via Emilia'));
    assert.equal(top('garib').label, 'Largo Garibaldi');
  });

  it('finds nothing for words no name has', () => {
    assert.deepEqual(search(INDEX, 'via inesistente 3'), []);
    assert.deepEqual(search(INDEX, ''), []);
    assert.deepEqual(search(INDEX, ' , . '), []);
  });
});

describe('search: zones and sections', () => {
  it('finds a zone by id, any case', () => {
    for (const q of ['B1', 'b1', ' b1 ']) {
      const r = top(q);
      assert.equal(r.kind, 'zone');
      assert.equal(r.id, 'B1');
      assert.equal(r.label, 'Centro storico');
      assert.deepEqual(r.bbox, [10.915, 44.64, 10.935, 44.65]);
    }
  });

  it('finds a zone by name, the whole name first', () => {
    const list = search(INDEX, 'centro');
    assert.deepEqual(list.filter((r) => r.kind === 'zone').map((r) => r.id), ['D7', 'B1']);
    assert.equal(top('crocetta').id, 'C2');
    assert.equal(top('san lazzaro').id, 'C2');
  });

  it('finds a section by its whole code, its start or its end', () => {
    assert.equal(top('360230000123').kind, 'section');
    assert.equal(top('360230000123').id, '360230000123');
    assert.equal(top('0123').id, '360230000123');
    assert.equal(search(INDEX, '36023').filter((r) => r.kind === 'section').length, 2);
    assert.equal(search(INDEX, '12').filter((r) => r.kind === 'section').length, 0);
  });

  it('limits the results', () => {
    assert.ok(search(INDEX, 'via', 3).length <= 3);
    assert.ok(search(INDEX, 'via').length <= 8);
  });
});

describe('findNumber', () => {
  const street = INDEX.streets.find((s) => s.name === 'Via Emilia Est');
  it('prefers the exact number, then the plain number, then the nearest', () => {
    assert.equal(findNumber(street, '12').number, '12');
    assert.equal(findNumber(street, '12b').number, '12');
    assert.equal(findNumber(street, '12b').exact, false);
    assert.ok(['1', '3'].includes(findNumber(street, '2').number));
    assert.equal(findNumber(street, '4').number, '3');
    assert.equal(findNumber(street, '100').number, '14');
    assert.equal(findNumber(street, 'abc'), null);
  });
});

describe('nameScore', () => {
  it('scores whole names over prefixes over words in any order', () => {
    const w = ['via', 'emilia', 'est'];
    const core = ['emilia', 'est'];
    const whole = nameScore(['via', 'emilia', 'est'], w, core);
    const coreOnly = nameScore(['emilia', 'est'], w, core);
    const prefix = nameScore(['via', 'emil'], w, core);
    const anyOrder = nameScore(['est', 'emilia'], w, core);
    assert.ok(whole > coreOnly && coreOnly > prefix && prefix > anyOrder && anyOrder > 0);
    assert.equal(nameScore(['ovest'], w, core), 0);
    assert.equal(nameScore([], w, core), 0);
  });
});

describe('result areas', () => {
  it('opens the OMI zone or the section, not an address', () => {
    assert.deepEqual(resultArea(top('b1')), { geography: 'omi', id: 'B1', name: 'Centro storico' });
    assert.deepEqual(resultArea(top('360230000123')), { geography: 'section', id: '360230000123' });
    assert.equal(resultArea(top('via emilia est 12')), null);
    assert.equal(resultArea(null), null);
  });

  it('gives MapLibre bounds for a bbox', () => {
    assert.deepEqual(resultBounds(top('b1')), [[10.915, 44.64], [10.935, 44.65]]);
    assert.equal(resultBounds(top('via emilia est 12')), null);
    assert.equal(resultBounds(search(INDEX, 'centro')[0]), null); // D7 has no bbox
  });
});

describe('displayName', () => {
  it('writes names in capitals in title case', () => {
    assert.equal(displayName('VIA DELLA PACE'), 'Via della Pace');
    assert.equal(displayName('VIA DI MEZZO'), 'Via di Mezzo');
    assert.equal(displayName('VIA XXV APRILE'), 'Via XXV Aprile');
    assert.equal(displayName('CORSO VITTORIO EMANUELE II'), 'Corso Vittorio Emanuele II');
    assert.equal(displayName("VIA D'AVIA"), "Via d'Avia");
    assert.equal(displayName('CAPOLUOGO - CENTRO STORICO'), 'Capoluogo - Centro Storico');
    assert.equal(displayName('DI VITTORIO'), 'Di Vittorio');
  });

  it('leaves mixed-case names and non-strings alone', () => {
    assert.equal(displayName('Via Emilia Est'), 'Via Emilia Est');
    assert.equal(displayName('360230000123'), '360230000123');
    assert.equal(displayName(null), '');
  });

  it('labels results for reading, searched either way', () => {
    const ix = buildIndex({ streets: [{ name: 'VIA DELLA PACE', numbers: [['3', 10.9, 44.6]] }], zones: [{ id: 'B3', name: 'CAPOLUOGO - CENTRO STORICO', center: [10.9, 44.6] }] });
    assert.equal(search(ix, 'via della pace 3')[0].label, 'Via della Pace 3');
    assert.equal(search(ix, 'Via della Pace')[0].label, 'Via della Pace');
    assert.equal(search(ix, 'centro storico')[0].label, 'Capoluogo - Centro Storico');
    assert.equal(search(ix, 'b3')[0].id, 'B3');
  });
});

describe('search: a territory of several comuni', () => {
  const PROVINCE = buildIndex({
    streets: [
      { name: 'VIA ROMA', municipality: 'Modena', numbers: [['1', 10.9251, 44.6461]] },
      { name: 'VIA ROMA', municipality: 'Carpi', numbers: [['1', 10.8851, 44.7841]] },
    ],
    municipalities: [
      { id: '036023', name: 'Modena', center: [10.92, 44.64], bbox: [10.8, 44.5, 11.0, 44.7] },
      { id: '036005', name: 'Carpi', center: [10.88, 44.78], bbox: [10.8, 44.7, 11.0, 44.9] },
      { id: '036039', name: 'San Cesario sul Panaro', center: [11.03, 44.56], bbox: [11.0, 44.5, 11.1, 44.6] },
    ],
  });

  it('finds a comune by name or ISTAT code, and opens its profile', () => {
    const [byName] = search(PROVINCE, 'carpi');
    assert.equal(byName.kind, 'municipality');
    assert.equal(byName.id, '036005');
    assert.deepEqual(resultArea(byName), { geography: 'municipality', id: '036005', name: 'Carpi' });
    assert.equal(search(PROVINCE, 'san cesario')[0].id, '036039');
    assert.equal(search(PROVINCE, '036023')[0].label, 'Modena');
  });

  it('keeps the same street of two comuni apart, each with its own point', () => {
    const results = search(PROVINCE, 'via roma 1').filter((r) => r.kind === 'address');
    assert.deepEqual(results.map((r) => r.label).sort(), ['Via Roma 1 (Carpi)', 'Via Roma 1 (Modena)']);
    const carpi = results.find((r) => r.label.endsWith('(Carpi)'));
    assert.deepEqual(carpi.center, [10.8851, 44.7841]);
  });
});
