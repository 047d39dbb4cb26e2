// `node --import <this file>`: ts-node's ESM loader through module.register, the form Node's
// `--loader ts-node/esm` deprecation warning suggests, resolved from the repository since the
// fixture projects are checked out outside it.
import { register } from 'node:module';

register('ts-node/esm', import.meta.url);
