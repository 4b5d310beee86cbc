// Who is asking (GET /api/session) and what that role may read. Pure: no DOM.

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

// The session, failing closed: when it cannot be read, the anonymous public's and an error.
export function sessionOrAnonymous(answer, detail) {
  const session = parseSession(answer);
  return session ? { session, error: null } : { session: ANONYMOUS, error: { key: 'error_session', detail } };
}

export function can(session, perm) {
  return !!session && Array.isArray(session.permissions) && session.permissions.includes(perm);
}
