export function price(item) {
  return item.qty * item.unit;
}

export const discount = (total) => (total > 10 ? total - 1 : total);
