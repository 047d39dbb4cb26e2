// The whole suite in one process: `node --import tsx test/suite.ts`.
import './math.test.js';
import './orders.test.js';
