/**
 * A SigningPool worker thread: RS256-signs JWT signing inputs with keys the pool sends it.
 * Keys arrive as KeyObjects (cloned by postMessage), so the private key never exists as PEM
 * or JWK outside the key ring. Messages are handled in order, so a key always arrives before
 * the first request that needs it.
 */
import { sign, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './signing-protocol.js';

/**
 * Answers go back in batches of at most this many: fewer messages for the event loop to
 * handle, while the first caller of a batch waits at most about a millisecond longer.
 */
const MAX_ANSWERS_PER_MESSAGE = 4;

const port = parentPort;
if (port === null) throw new Error('signing-worker.js runs only as a worker thread of SigningPool');

const keys = new Map<string, KeyObject>();

function signOne(kid: string, input: string): string | { error: string } {
  const key = keys.get(kid);
  if (key === undefined) return { error: `signing worker has no key ${kid}` };
  // The signing input is base64url (ASCII), so latin1 encodes it exactly and cheaply.
  return sign('sha256', Buffer.from(input, 'latin1'), key).toString('base64url');
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'key') {
    keys.set(m.kid, m.key);
    if (m.drop !== undefined) keys.delete(m.drop);
    return;
  }
  let out: FromWorker = { ids: [], results: [] };
  for (let i = 0; i < m.ids.length; i++) {
    out.ids.push(m.ids[i]!);
    out.results.push(signOne(m.kids[i]!, m.inputs[i]!));
    if (out.ids.length === MAX_ANSWERS_PER_MESSAGE || i === m.ids.length - 1) {
      port.postMessage(out);
      out = { ids: [], results: [] };
    }
  }
});
