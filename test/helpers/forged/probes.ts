import type { ChildServer } from '../child-server.js';
import { httpsRequest, type HttpsResponse } from '../https.js';
import type { Verifier } from './kit.js';
import { exchangeForm, tokenRequest, type Provisioned } from './provision.js';

/** How one verifier is asked, and what its documented refusal looks like. */
export interface Probe {
  send(credential: string | null): Promise<HttpsResponse>;
  /** The surface's documented refusal of a credential (not merely "some 4xx"). */
  refused(r: HttpsResponse): boolean;
}

const ARM_CODES = ['AuthenticationFailed', 'InvalidAuthenticationToken', 'ExpiredAuthenticationToken'];
const header = (r: HttpsResponse, name: string) => String(r.headers[name] ?? '');
const bearer = (c: string | null): Record<string, string> => (c === null ? {} : { authorization: `Bearer ${c}` });

export interface ProbeTargets {
  server: ChildServer;
  p: Provisioned;
  adminOid: string;
  gatePort: number;
  /** The client id a token-service credential is presented with (the deleted identity's for its own assertion). */
  clientIdFor(credential: string | null): string;
}

/**
 * Retries a request the server rate-limited (429), after its Retry-After (at most 5 s, 5 times):
 * a limit on requests per client says nothing about the credential, so the corpus waits it out.
 */
async function patient(send: () => Promise<HttpsResponse>): Promise<HttpsResponse> {
  let r = await send();
  for (let i = 0; i < 5 && r.status === 429; i++) {
    await new Promise((done) => setTimeout(done, Math.min(5, Number(r.headers['retry-after']) || 1) * 1000));
    r = await send();
  }
  return r;
}

export function probes(t: ProbeTargets): Record<Verifier, Probe> {
  const all = rawProbes(t);
  return Object.fromEntries(
    Object.entries(all).map(([v, probe]) => [
      v,
      { ...probe, send: (c: string | null) => patient(() => probe.send(c)) },
    ]),
  ) as Record<Verifier, Probe>;
}

function rawProbes(t: ProbeTargets): Record<Verifier, Probe> {
  const { server: s, p } = t;
  const get = (path: string, headers: Record<string, string>) =>
    httpsRequest(`${s.server.baseUrl}${path}`, { ca: s.ca, headers });
  return {
    arm: {
      send: (c) => get('/subscriptions?api-version=2022-12-01', bearer(c)),
      refused: (r) =>
        r.status === 401 &&
        ARM_CODES.includes(r.json?.error?.code) &&
        header(r, 'www-authenticate').startsWith('Bearer authorization_uri='),
    },
    graph: {
      send: (c) => get(`/v1.0/servicePrincipals/${t.adminOid}`, bearer(c)),
      refused: (r) => r.status === 401 && ARM_CODES.includes(r.json?.error?.code),
    },
    keyVault: {
      send: (c) => get('/secrets/s1?api-version=7.4', { host: p.vaultHost, ...bearer(c) }),
      refused: (r) =>
        r.status === 401 &&
        r.json?.error?.code === 'Unauthorized' &&
        header(r, 'www-authenticate').startsWith('Bearer authorization="'),
    },
    blob: {
      send: (c) => get('/corpus/b.txt', { host: p.blobHost, 'x-ms-version': '2025-01-05', ...bearer(c) }),
      refused: (r) =>
        r.status === 401 &&
        ['InvalidAuthenticationInfo', 'NoAuthenticationInformation'].includes(header(r, 'x-ms-error-code')) &&
        header(r, 'www-authenticate').startsWith('Bearer authorization_uri='),
    },
    gate: {
      send: (c) => httpsRequest(`http://127.0.0.1:${t.gatePort}/orders/1`, { headers: bearer(c) }), // the gate listens without TLS
      refused: (r) =>
        r.status === 401 && typeof r.json?.error?.code === 'string' && header(r, 'www-authenticate') !== '',
    },
    tokenService: {
      send: (c) => tokenRequest(s, exchangeForm(t.clientIdFor(c), c, s.server.baseUrl)),
      // Entra answers every assertion problem with invalid_client (400), a missing one with 400/401.
      refused: (r) =>
        (r.status === 400 || r.status === 401) && ['invalid_client', 'invalid_request'].includes(r.json?.error),
    },
    agentApi: {
      send: (c) => get('/openmi/agent/v1/instance', c === null ? {} : { authorization: `OpenMI-Agent ${c}` }),
      refused: (r) => r.status === 401 && r.json?.error === 'invalid_agent',
    },
  };
}
