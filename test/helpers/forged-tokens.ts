import { join } from 'node:path';
import { systemClock } from '../../src/kernel/clock.js';
import { loadOrCreateMasterKey } from '../../src/kernel/sealing.js';
import { KeyRing } from '../../src/server/tokens/key-ring.js';
import type { TestServer } from './server.js';

/**
 * Signs a real token's claims, changed by `c`, with the test server's own current key. The
 * forged-credential corpus every verifier is run against lives in test/helpers/forged/.
 */
export type Resign = (c: Record<string, unknown>) => string;

/** A resigner for a real token, with the key ring opened from the test server's store and master key. */
export async function resignerFor(t: TestServer, real: string): Promise<Resign> {
  const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  const ring = await new KeyRing(
    t.server.store,
    loadOrCreateMasterKey(join(t.dataDir, 'master.key')),
    systemClock,
  ).open();
  return (c) => ring.signer().sign({ ...claims, ...c });
}
