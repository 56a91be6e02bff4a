/** A worker thread of mint-child.js: prepares, warms up, says ready, runs its loop on 'go'. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FixtureSpec } from './fixture.js';
import { prepareOp, runLoop, type MintCase } from './mint-loops.js';

interface WorkerInput {
  spec: FixtureSpec;
  which: MintCase;
  ms: number;
  warmupMs: number;
}

const input = workerData as WorkerInput;
const port = parentPort!;
const op = await prepareOp(input.spec, input.which);
runLoop(op, input.warmupMs);
port.once('message', () => {
  port.postMessage(runLoop(op, input.ms));
});
port.postMessage('ready');
