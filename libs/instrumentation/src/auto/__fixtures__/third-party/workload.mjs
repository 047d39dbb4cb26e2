// Exercises two third-party libraries of different styles: semver (CommonJS, many small modules)
// and acorn (one ES module, a recursive-descent parser). Prints everything it computes.
import * as acorn from 'acorn';
import semver from 'semver';

const versions = ['1.2.3', '2.0.0-rc.1', '1.10.0', '0.9.9', '3.1.4-beta.2+build.7', '1.2.3-alpha', '2.0.0'];
const out = [];
out.push(semver.sort([...versions]).join(' '));
out.push(semver.rsort([...versions]).join(' '));
for (const range of ['^1.2.0 || >=3', '~1.2', '>=2.0.0-rc.0 <3', '1.x', '*']) {
  out.push(`${range}: ${semver.maxSatisfying(versions, range)} ${semver.minSatisfying(versions, range)}`);
}
out.push(
  semver.inc('1.2.3', 'prerelease', 'beta'),
  semver.inc('1.2.3-beta.1', 'prerelease'),
  semver.inc('1.2.3', 'major'),
);
out.push(JSON.stringify(semver.coerce('v2.3')), String(semver.valid('nope')), semver.diff('1.2.3', '1.3.0'));
out.push(String(semver.intersects('^1.0.0', '~1.5.0')), semver.validRange('>=1 <2 || 3.x'));

const source = `
class Queue extends Array {
  #size = 0;
  static of(...items) { return new Queue(...items); }
  get size() { return this.#size; }
  async *drain(limit = 10) {
    for (let i = 0; i < limit && this.length; i++) yield await this.shift();
  }
}
export const total = (xs) => xs.reduce((a, b) => a + b, 0) ?? 0;
label: for (const [k, { v = 1 }] of Object.entries({ a: { v: 2 } })) { if (k) continue label; }
`;
const ast = acorn.parse(source, { ecmaVersion: 2022, sourceType: 'module', locations: true });
out.push(JSON.stringify(ast));
const tokens = [];
for (const token of acorn.tokenizer('let x = (a, b = 2) => a ** b; // done', { ecmaVersion: 2022 })) {
  tokens.push(`${token.type.label}:${token.value ?? ''}`);
}
out.push(tokens.join(' '));
try {
  acorn.parse('let = = 1', { ecmaVersion: 2022 });
} catch (error) {
  out.push(`${error.name}: ${error.message}`);
}
process.stdout.write(`${out.join('\n')}\n`);
