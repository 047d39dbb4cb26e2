// `node --import @temporal-bridge/instrumentation/register app.js` (or
// `--require`): instruments the application's own modules as they load and
// sends their calls to temporal-bridge. Settings: TB_* environment variables
// (README, "Automatic instrumentation").
import { startAutoInstrumentation } from './auto/start';

startAutoInstrumentation(process.env, process.cwd());
