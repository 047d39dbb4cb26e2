// The whole suite in one process: `node test/suite.js`.
import './catalog.test.js';
import './text.test.js';
