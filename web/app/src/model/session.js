// Who is asking (GET /api/session), what that role may read and the vocabulary the server
// answers with it. Pure: no DOM.
import { EMPTY_VOCABULARY, parseVocabulary } from './vocabulary.js';

// Permissions as the server names them.
export const PERM = {
  published: 'read published figures',
  aggregates: 'read restricted aggregates',
  people: 'read person-level data',
  linkage: 'manage linkage',
  admin: 'administer users and audit',
};

// The anonymous public: published figures only. Also what the page assumes whenever the
// session cannot be read (fail closed).
export const ANONYMOUS = Object.freeze({ user: '', role: 'public', via: 'anonymous', permissions: Object.freeze([PERM.published]) });

// A session answer, or null when it is not one (no list of permissions): the caller then
// falls back to ANONYMOUS.
export function parseSession(s) {
  if (!s || typeof s !== 'object' || !Array.isArray(s.permissions)) return null;
  return {
    user: typeof s.user === 'string' ? s.user : '',
    role: typeof s.role === 'string' && s.role ? s.role : 'public',
    via: typeof s.via === 'string' ? s.via : 'anonymous',
    permissions: s.permissions.filter((p) => typeof p === 'string'),
  };
}

// The session and its vocabulary, failing closed: when the session cannot be read, the
// anonymous public's, the empty vocabulary and an error; when only its vocabulary cannot be
// read, the session, the empty vocabulary and an error (the page then offers no indicator).
export function sessionOrAnonymous(answer, detail) {
  const session = parseSession(answer);
  if (!session) return { session: ANONYMOUS, vocabulary: EMPTY_VOCABULARY, error: { key: 'error_session', detail } };
  const { vocabulary, ok } = parseVocabulary(answer);
  return { session, vocabulary, error: ok ? null : { key: 'error_session', detail: 'vocabulary' } };
}

export function can(session, perm) {
  return !!session && Array.isArray(session.permissions) && session.permissions.includes(perm);
}
