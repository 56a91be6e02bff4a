import { metadataCase, gateCase } from './edge-cases.js';
import { malformed } from './framing.js';
import type { Rng } from './hostile.js';
import { blobCase, vaultCase } from './plane-cases.js';
import { agentApiCase, armCase, graphCase, portalOpsCase, tokenCase, type Fixtures } from './server-cases.js';
import { serialize, type Case, type Req } from './wire.js';

type Maker = (rng: Rng, f: Fixtures) => Req;

/** Every surface, with its share of the requests (server surfaces 80 %, the agent and the gate 10 % each). */
const SURFACES: Array<{ target: Case['target']; surface: string; weight: number; make: Maker }> = [
  { target: 'server', surface: 'arm', weight: 24, make: armCase },
  { target: 'server', surface: 'token', weight: 15, make: tokenCase },
  { target: 'server', surface: 'graph', weight: 6, make: graphCase },
  { target: 'server', surface: 'agent-api', weight: 8, make: agentApiCase },
  { target: 'server', surface: 'key-vault', weight: 10, make: vaultCase },
  { target: 'server', surface: 'blob', weight: 10, make: blobCase },
  { target: 'server', surface: 'portal-ops', weight: 7, make: portalOpsCase },
  { target: 'agent', surface: 'metadata', weight: 10, make: metadataCase },
  { target: 'gate', surface: 'gate', weight: 10, make: gateCase },
];
const TOTAL = SURFACES.reduce((n, s) => n + s.weight, 0);

/** Share of requests whose HTTP framing itself is broken. */
const MALFORMED = 0.12;

export function nextCase(rng: Rng, f: Fixtures): Case {
  let at = rng.int(TOTAL);
  const s = SURFACES.find((x) => (at -= x.weight) < 0)!;
  const req = s.make(rng, f);
  if (rng.chance(MALFORMED)) return malformed(rng, s.target, req);
  const bytes = serialize(req);
  // CONNECT and upgrades take the connection over; a head past the listeners' header bounds
  // (16 KiB on the agent) is refused mid-request, and the client may see a reset: these get
  // a connection of their own and may end without an answer.
  const fresh =
    req.method === 'CONNECT' ||
    req.headers.some(([k, v]) => k === 'connection' && v === 'upgrade') ||
    bytes.indexOf('\r\n\r\n') > 16 * 1024;
  return { target: s.target, surface: s.surface, method: req.method, bytes, ...(fresh ? { fresh } : {}) };
}
