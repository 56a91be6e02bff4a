/**
 * Imported first by the baseline processes (bench/http-server.ts, bench/oidc-server.ts): the
 * same hold the openmi CLI takes (src/kernel/tick-shape.ts). Without it a baseline can fall into
 * V8's nextTick cliff after any idle full GC and cost 3–8 µs more per answer for the rest of the
 * run, which made a ratio against it read as met (docs/performance.md, fifth session of
 * 2026-12-07). Both sides of a ratio now run in the same state.
 */
import { holdTickShape } from '../src/kernel/tick-shape.js';

holdTickShape();
