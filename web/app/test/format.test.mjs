import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dateOnly, esc, fmtAmount, fmtInt, fmtP, fmtRate, fmtSigned, has, num, shortPseudonym, truthy,
} from '../src/i18n/format.js';

describe('number formatting', () => {
  it('groups thousands the Italian and the English way', () => {
    assert.equal(fmtInt('it', 12345), '12.345');
    assert.equal(fmtInt('en', 12345), '12,345');
    assert.equal(fmtInt('it', 1234567), '1.234.567');
    // Italian does not group a four-digit number; English does.
    assert.equal(fmtInt('it', 1234), '1234');
    assert.equal(fmtInt('en', 1234), '1,234');
  });

  it('rounds integers and accepts numeric strings', () => {
    assert.equal(fmtInt('en', 2.5), '3');
    assert.equal(fmtInt('en', '42'), '42');
    assert.equal(fmtInt('it', 0), '0');
  });

  it('gives rates one decimal, with a comma in Italian', () => {
    assert.equal(fmtRate('it', 3.14159), '3,1');
    assert.equal(fmtRate('en', 3.14159), '3.1');
    assert.equal(fmtRate('it', 20), '20,0');
    assert.equal(fmtRate('en', 1234.56), '1,234.6');
    assert.equal(fmtRate('it', 0), '0,0');
  });

  it('signs changes with +, the minus sign and ±', () => {
    assert.equal(fmtSigned('it', 1.25), '+1,3');
    assert.equal(fmtSigned('en', -2), '−2.0');
    assert.equal(fmtSigned('en', 0), '±0.0');
    assert.equal(fmtSigned('en', -0), '±0.0');
  });

  it('gives p-values two significant digits and amounts two decimals', () => {
    assert.equal(fmtP('en', 0.000123), '0.00012');
    assert.equal(fmtP('it', 0.0456), '0,046');
    assert.equal(fmtAmount('it', 1234.5), '1234,50');
    assert.equal(fmtAmount('en', 1234.5), '1,234.50');
  });

  it('shows nothing, never NaN, for missing or non-numeric values', () => {
    for (const fmt of [fmtInt, fmtRate, fmtSigned, fmtP, fmtAmount]) {
      for (const v of [null, undefined, '', NaN, 'abc', Infinity]) {
        assert.equal(fmt('it', v), '', `${fmt.name}(${String(v)})`);
        assert.equal(fmt('en', v), '', `${fmt.name}(${String(v)})`);
      }
    }
  });

  it('formats an unknown language as Italian', () => {
    assert.equal(fmtRate('fr', 1.5), '1,5');
    assert.equal(fmtInt(undefined, 12345), '12.345');
  });
});

describe('HTML escaping', () => {
  it('escapes the five HTML special characters', () => {
    assert.equal(esc(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('turns null and undefined into the empty string and numbers into text', () => {
    assert.equal(esc(null), '');
    assert.equal(esc(undefined), '');
    assert.equal(esc(0), '0');
    assert.equal(esc(''), '');
  });
});

describe('feature properties', () => {
  it('has: set, own and not null or empty', () => {
    assert.equal(has({ a: 0 }, 'a'), true);
    assert.equal(has({ a: false }, 'a'), true);
    assert.equal(has({ a: null }, 'a'), false);
    assert.equal(has({ a: '' }, 'a'), false);
    assert.equal(has({}, 'a'), false);
    assert.equal(has(null, 'a'), false);
    assert.equal(has(undefined, 'a'), false);
    assert.equal(has(Object.create({ a: 1 }), 'a'), false);
  });

  it('num: finite numbers only', () => {
    assert.equal(num({ a: '3.5' }, 'a'), 3.5);
    assert.equal(num({ a: 0 }, 'a'), 0);
    assert.equal(num({ a: 'abc' }, 'a'), null);
    assert.equal(num({ a: Infinity }, 'a'), null);
    assert.equal(num({ a: null }, 'a'), null);
    assert.equal(num({}, 'a'), null);
    assert.equal(num(null, 'a'), null);
  });

  it('truthy: true, "true" and 1 as tiles carry booleans', () => {
    for (const v of [true, 'true', 1]) assert.equal(truthy(v), true, String(v));
    for (const v of [false, 'false', 0, '1', null, undefined, '']) assert.equal(truthy(v), false, String(v));
  });
});

describe('dates and pseudonyms', () => {
  it('dateOnly keeps the date of an ISO timestamp', () => {
    assert.equal(dateOnly('2025-03-04T10:00:00Z'), '2025-03-04');
    assert.equal(dateOnly('2025-03-04'), '2025-03-04');
    assert.equal(dateOnly(null), '');
    assert.equal(dateOnly(undefined), '');
  });

  it('shortPseudonym cuts long ids to ten characters and an ellipsis', () => {
    const p = 'a'.repeat(64);
    assert.equal(shortPseudonym(p), `${'a'.repeat(10)}…`);
    assert.equal(shortPseudonym('123456789012'), '123456789012');
    assert.equal(shortPseudonym(''), '');
    assert.equal(shortPseudonym(null), '');
  });
});
