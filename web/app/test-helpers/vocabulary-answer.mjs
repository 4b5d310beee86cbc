// A session answer as the server gives it (GET /api/session, and the "session" part of the boot
// data), for the tests.
export const VOCABULARY = {
  indicators: ['poverty', 'housing', 'health', 'work', 'education', 'multi_domain'],
  domains: ['poverty', 'housing', 'health', 'work', 'education'],
  map_domains: ['poverty', 'housing', 'health'],
  needs: ['eviction', 'disability', 'mental_health', 'job_seeker'],
  geographies: ['h3_7', 'h3_8', 'h3_9', 'h3_10', 'section', 'omi', 'municipality'],
  hotspot_indicators: ['poverty', 'housing', 'health', 'multi_domain'],
  bivariate_pairs: [['poverty', 'health'], ['poverty', 'housing'], ['housing', 'health']],
  household_types: ['UNIPERSONALE', 'COPPIA_SENZA_FIGLI', 'COPPIA_CON_FIGLI', 'MONOGENITORE', 'ALTRO'],
};

export const SESSION_ANSWER = {
  user: 'pia', role: 'planner', via: 'cookie', permissions: ['read published figures'], vocabulary: VOCABULARY,
};
