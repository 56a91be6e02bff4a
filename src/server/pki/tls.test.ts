import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.js';
import { loadOrCreatePki, type Pki } from './pki.js';

/** One HTTPS GET; resolves with the body or rejects with the TLS/HTTP error. */
function get(port: number, opts: { host: string; servername?: string; ca?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host,
        port,
        path: '/',
        agent: false,
        ca: opts.ca,
        ...(opts.servername ? { servername: opts.servername } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('a real HTTPS server with the issued cert is trusted via the CA, and only via it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Real time here: the TLS client checks validity against the system clock, not ours.
  const pki: Pki = await loadOrCreatePki({
    dir,
    masterKey: Buffer.alloc(32, 5),
    dnsNames: ['localhost', '*.vault.openmi.localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    clock: new ManualClock(Date.now()),
  });
  const server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem }, (_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  assert.equal(await get(port, { host: '127.0.0.1', ca: pki.caCertPem }), 'hello');
  assert.equal(await get(port, { host: '127.0.0.1', servername: 'localhost', ca: pki.caCertPem }), 'hello');
  assert.equal(
    await get(port, { host: '127.0.0.1', servername: 'kv1.vault.openmi.localhost', ca: pki.caCertPem }),
    'hello',
  );

  await assert.rejects(get(port, { host: '127.0.0.1' }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  await assert.rejects(get(port, { host: '127.0.0.1', servername: 'evil.example.com', ca: pki.caCertPem }), {
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  });
});
