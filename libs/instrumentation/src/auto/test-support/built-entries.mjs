// `node --import <this file> dist/test/suite.mjs`: a fixture suite that spawns `node src/crash.ts`
// (or `.js`) as a child runs the bundler's build of that file, dist/src/crash.mjs, instead. The
// suites pass `process.execArgv` to the child, so it gets this hook too; their source stays as is.
import { register } from 'node:module';

register(new URL('./built-entries-hooks.mjs', import.meta.url));
