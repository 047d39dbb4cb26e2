// Generators and async generators.
export function* countdown(n) {
  for (let i = n; i > 0; i -= 1) yield i;
  return 0;
}

export async function* ticker(n) {
  for (let i = 0; i < n; i += 1) {
    await Promise.resolve();
    yield i;
  }
}
