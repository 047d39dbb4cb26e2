// Loaded with import() from the ESM entry.
exports.circle = function circle(r) {
  return Math.PI * r * r;
};
