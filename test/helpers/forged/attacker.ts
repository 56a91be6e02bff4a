import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCa } from '../../../src/server/pki/ca.js';
import { systemClock } from '../../../src/kernel/clock.js';
import { systemRandom } from '../../../src/kernel/ids.js';
import type { AttackerKeys } from './kit.js';

/**
 * What an attacker brings: its own RSA key with a self-signed certificate, served over HTTP at
 * the URLs the `jku` and `x5u` forgeries name. Every fetch is counted: a verifier that followed a
 * header's URL would show up here even if it then refused the token.
 */
export interface Attacker {
  keys: Omit<AttackerKeys, 'publicJwk'>;
  rsa: KeyObject;
  fetches(): number;
  close(): Promise<void>;
}

export async function startAttacker(): Promise<Attacker> {
  const ca = await createCa(systemClock, systemRandom);
  const rsa = createPrivateKey(ca.keyPem);
  const kid = 'attacker-key-1';
  const jwks = JSON.stringify({
    keys: [{ ...createPublicKey(rsa).export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }],
  });
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches++;
    res.end(req.url === '/cert.pem' ? ca.certPem : jwks);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    keys: {
      kid,
      certDer: new X509Certificate(ca.certPem).raw.toString('base64'),
      jwksUrl: `${base}/jwks.json`,
      certUrl: `${base}/cert.pem`,
    },
    rsa,
    fetches: () => fetches,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
