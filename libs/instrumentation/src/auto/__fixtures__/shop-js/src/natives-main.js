import natives from './natives.cjs';
import { factorial } from './main-lite.js';

console.log('natives', natives.optimizationStatus(factorial), factorial(3));
