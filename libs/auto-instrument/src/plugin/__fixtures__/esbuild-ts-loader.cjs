// A webpack loader that compiles TypeScript with esbuild and hands on its map: for plugin.spec.ts,
// a TypeScript loader in webpack's chain next to the plugin's.
const { transformSync } = require('esbuild');

module.exports = function esbuildTsLoader(source) {
  const result = transformSync(source, { loader: 'ts', sourcemap: 'external', sourcefile: this.resourcePath });
  this.callback(null, result.code, JSON.parse(result.map));
};
