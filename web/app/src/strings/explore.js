// Strings of the public map's explore features, Italian and English (merged into STRINGS by i18n.js).
export default {
  it: {
  },
  en: {
  },
};
