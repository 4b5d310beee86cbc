import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANONYMOUS, PERM, can, parseSession, sessionOrAnonymous,
} from '../src/model/session.js';
import { EMPTY_VOCABULARY } from '../src/model/vocabulary.js';
import { SESSION_ANSWER, VOCABULARY } from '../test-helpers/vocabulary-answer.mjs';

describe('parseSession', () => {
  it('reads a session answer', () => {
    const s = parseSession({ user: 'pia', role: 'planner', via: 'cookie', permissions: [PERM.published, PERM.aggregates] });
    assert.deepEqual(s, { user: 'pia', role: 'planner', via: 'cookie', permissions: [PERM.published, PERM.aggregates] });
  });

  it('is null for anything that is not a session answer', () => {
    for (const v of [null, undefined, '', 'public', 42, [], {}, { role: 'planner' }, { permissions: 'all' }]) {
      assert.equal(parseSession(v), null, JSON.stringify(v));
    }
  });

  it('defaults missing fields to the anonymous public and drops non-string permissions', () => {
    assert.deepEqual(parseSession({ permissions: [PERM.published, 7, null] }), {
      user: '', role: 'public', via: 'anonymous', permissions: [PERM.published],
    });
    assert.equal(parseSession({ role: '', permissions: [] }).role, 'public');
  });
});

describe('failing closed', () => {
  it('gives the anonymous public and an error when the session cannot be read', () => {
    for (const answer of [undefined, null, { error: 'not found' }, 'oops']) {
      const { session, vocabulary, error } = sessionOrAnonymous(answer, 'HTTP 404');
      assert.equal(session, ANONYMOUS);
      assert.equal(vocabulary, EMPTY_VOCABULARY);
      assert.deepEqual(error, { key: 'error_session', detail: 'HTTP 404' });
    }
  });

  it('gives the session, its vocabulary and no error when it can', () => {
    const { session, vocabulary, error } = sessionOrAnonymous({ ...SESSION_ANSWER, role: 'housing_office', permissions: [PERM.people] });
    assert.equal(session.role, 'housing_office');
    assert.deepEqual(vocabulary.indicators, VOCABULARY.indicators);
    assert.equal(vocabulary.analyses.length, 11);
    assert.equal(error, null);
  });

  it('gives the empty vocabulary and an error when the session has none or a malformed one', () => {
    for (const v of [undefined, null, {}, { ...VOCABULARY, indicators: 'all' }, { ...VOCABULARY, bivariate_pairs: [['poverty']] }]) {
      const { session, vocabulary, error } = sessionOrAnonymous({ ...SESSION_ANSWER, vocabulary: v }, 'unused');
      assert.equal(session.user, 'pia');
      assert.equal(vocabulary, EMPTY_VOCABULARY, JSON.stringify(v));
      assert.deepEqual(error, { key: 'error_session', detail: 'vocabulary' });
    }
  });

  it('lets the anonymous public read published figures only', () => {
    assert.equal(can(ANONYMOUS, PERM.published), true);
    for (const p of [PERM.aggregates, PERM.people, PERM.linkage, PERM.admin]) assert.equal(can(ANONYMOUS, p), false, p);
    assert.equal(Object.isFrozen(ANONYMOUS) && Object.isFrozen(ANONYMOUS.permissions), true);
  });

  it('grants nothing to a missing session', () => {
    assert.equal(can(null, PERM.published), false);
    assert.equal(can({}, PERM.published), false);
  });
});
