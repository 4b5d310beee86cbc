// The reason of a refused API request. Every API failure answers JSON
// {"error": "<message>", "code": "<code>"}; the message is what the user sees. Anything else
// (a proxy's HTML page, plain text) is shown shortened, and an empty body as its HTTP status.
// Pure: no DOM.
export function parseErrorBody(text, status) {
  const body = typeof text === 'string' ? text : '';
  try {
    const j = JSON.parse(body);
    if (j && typeof j === 'object' && typeof j.error === 'string' && j.error.trim()) return j.error.trim().slice(0, 300);
  } catch { /* not JSON */ }
  return body.trim().slice(0, 300) || `HTTP ${status}`;
}

// The error code of an answer ({"code": ...}), or '' when it has none.
export function parseErrorCode(text) {
  try {
    const j = JSON.parse(typeof text === 'string' ? text : '');
    return j && typeof j === 'object' && typeof j.code === 'string' ? j.code : '';
  } catch {
    return '';
  }
}
