// District ids carry their comune (036023/B3): shown by their code within it, and the comune's
// name when the territory has several; found in the search by that code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { areaCode, districtParts, setComuni } from '../src/i18n/labels.js';
import { buildIndex, search } from '../src/public/search.js';

describe('district ids', () => {
  it('splits an id into comune and zone', () => {
    assert.deepEqual(districtParts('036023/B3'), { comune: '036023', zone: 'B3' });
    assert.deepEqual(districtParts('036005'), { comune: '036005', zone: '036005' });
    assert.deepEqual(districtParts('B3'), { comune: '', zone: 'B3' });
  });

  it('shows the zone, with its comune in a territory of several', () => {
    setComuni([{ id: '036023', name: 'Modena' }]);
    assert.equal(areaCode('omi', '036023/B3'), 'B3');
    setComuni([{ id: '036023', name: 'Modena' }, { id: '036005', name: 'Carpi' }]);
    assert.equal(areaCode('omi', '036023/B3'), 'B3 · Modena');
    assert.equal(areaCode('omi', '036005/B3'), 'B3 · Carpi');
    assert.equal(areaCode('omi', '036005'), 'Carpi');
    assert.equal(areaCode('omi', '036099/B3'), 'B3');
    assert.equal(areaCode('section', '360230000001'), '360230000001');
    setComuni([]);
  });

  it('finds two comuni\'s B3 by code, apart', () => {
    const box = [10.9, 44.6, 11, 44.7];
    const index = buildIndex({
      zones: [
        { id: '036023/B3', name: 'CENTRO STORICO', center: [10.92, 44.64], bbox: box },
        { id: '036005/B3', name: 'CENTRO', center: [10.88, 44.78], bbox: box },
      ],
      municipalities: [
        { id: '036023', name: 'Modena', center: [10.92, 44.64], bbox: box },
        { id: '036005', name: 'Carpi', center: [10.88, 44.78], bbox: box },
      ],
    });
    const found = search(index, 'B3').filter((r) => r.kind === 'zone');
    assert.deepEqual(found.map((r) => r.id).sort(), ['036005/B3', '036023/B3']);
    assert.ok(found.some((r) => r.label === 'Centro (Carpi)' || r.label.endsWith('(Carpi)')), JSON.stringify(found));
    assert.deepEqual(search(index, '036023/B3').filter((r) => r.kind === 'zone').map((r) => r.id), ['036023/B3']);
  });
});
