import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseErrorBody, parseErrorCode } from '../src/model/errors.js';

describe('parseErrorBody', () => {
  it('shows the "error" message of the JSON every API failure answers', () => {
    assert.equal(parseErrorBody('{"error": "geography \\"h3_6\\": want one of [h3_7]", "code": "invalid"}', 400), 'geography "h3_6": want one of [h3_7]');
    assert.equal(parseErrorBody('{"error":"forbidden","code":"forbidden"}\n', 403), 'forbidden');
    assert.equal(parseErrorBody('{"code":"unauthorized","error":"  login required  "}', 401), 'login required');
  });

  it('never shows the code or the JSON itself when there is a message', () => {
    const msg = parseErrorBody('{"error":"not found","code":"not_found"}', 404);
    assert.doesNotMatch(msg, /not_found|[{}"]/);
  });

  it('shows a body that is not such JSON as text, shortened', () => {
    assert.equal(parseErrorBody('upstream timed out\n', 502), 'upstream timed out');
    assert.equal(parseErrorBody('x'.repeat(1000), 500).length, 300);
    assert.equal(parseErrorBody('{"message":"m"}', 500), '{"message":"m"}');
    assert.equal(parseErrorBody('{"error": 7}', 500), '{"error": 7}');
  });

  it('gives the HTTP status for an empty or unreadable body', () => {
    assert.equal(parseErrorBody('', 503), 'HTTP 503');
    assert.equal(parseErrorBody('   ', 500), 'HTTP 500');
    assert.equal(parseErrorBody(undefined, 404), 'HTTP 404');
    assert.equal(parseErrorBody('{"error": ""}', 400), '{"error": ""}');
  });
});

describe('parseErrorCode', () => {
  it('reads the code, or nothing', () => {
    assert.equal(parseErrorCode('{"error":"x","code":"invalid"}'), 'invalid');
    for (const body of ['{"error":"x"}', 'plain', '', undefined, 'null', '{"code":3}']) assert.equal(parseErrorCode(body), '', String(body));
  });
});
