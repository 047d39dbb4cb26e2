module.exports = {
  formatPrice(n) {
    return `$${n.toFixed(2)}`;
  },
};
