// Strings of the public map's share features, Italian and English (merged into STRINGS by i18n.js).
export default {
  it: {
  },
  en: {
  },
};
