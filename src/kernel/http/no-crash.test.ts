import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawConnection, type Outcome } from '../../../test/fuzz/raw-http.js';
import { serialize } from '../../../test/fuzz/wire.js';
import { httpsRequest } from '../../../test/helpers/https.js';
import { spawnServe, type ServeChild } from '../../../test/helpers/serve-child.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (header: Record<string, unknown>) => `${b64(header)}.${b64({ iss: 'x', aud: 'y', exp: 4e9 })}.AAAA`;

/** JOSE headers whose kid or alg the verifiers quote in their errors (docs/security.md, finding 1). */
const HOSTILE: Record<string, string> = {
  'non-Latin-1 kid': jwt({ alg: 'RS256', kid: 'key-€😀' }),
  'long kid': jwt({ alg: 'RS256', kid: 'k'.repeat(5000) }),
  'control characters in kid': jwt({ alg: 'RS256', kid: 'a\u0000\r\nX-Injected: 1' }),
  'quotes in kid': jwt({ alg: 'RS256', kid: '"\\"' }),
  'non-Latin-1 alg': jwt({ alg: 'é€', kid: 'k' }),
  'long alg': jwt({ alg: 'x'.repeat(3000), kid: 'k' }),
  'deeply nested alg': `${Buffer.from(`{"alg":${'['.repeat(5000)}${']'.repeat(5000)},"kid":"k"}`).toString('base64url')}.${b64({})}.AAAA`,
};

const ZONE = 'openmi.localhost';

describe('no request ends openmi serve (docs/security.md, finding 1)', () => {
  let s: ServeChild;
  let dir: string;
  const send = async (
    method: string,
    target: string,
    headers: Array<[string, string]>,
    body?: string,
  ): Promise<Outcome> => {
    const c = await RawConnection.open({ host: '127.0.0.1', port: s.port, tls: true }, 10_000);
    try {
      const h: Array<[string, string]> = headers.some(([k]) => k === 'host')
        ? headers
        : [['host', `127.0.0.1:${s.port}`], ...headers];
      return await c.exchange(
        serialize({ method, target, headers: h, ...(body !== undefined ? { body: Buffer.from(body) } : {}) }),
        method,
        15_000,
      );
    } finally {
      c.close();
    }
  };
  const surfaces = (token: string): Array<[string, () => Promise<Outcome>]> => [
    ['ARM', () => send('GET', '/subscriptions?api-version=2022-12-01', [['authorization', `Bearer ${token}`]])],
    ['Graph', () => send('GET', '/v1.0/servicePrincipals', [['authorization', `Bearer ${token}`]])],
    [
      'Key Vault',
      () =>
        send('GET', '/secrets/s?api-version=7.5', [
          ['host', `kvnocrash.vault.${ZONE}:${s.port}`],
          ['authorization', `Bearer ${token}`],
        ]),
    ],
    [
      'Blob',
      () =>
        send('GET', '/c/b', [
          ['host', `stnocrash.blob.${ZONE}:${s.port}`],
          ['x-ms-version', '2025-01-05'],
          ['authorization', `Bearer ${token}`],
        ]),
    ],
    [
      'agent API',
      () =>
        send(
          'POST',
          '/openmi/agent/v1/token',
          [
            ['authorization', `OpenMI-Agent ${token}`],
            ['content-type', 'application/json'],
          ],
          '{"resource":"x"}',
        ),
    ],
    [
      'token service',
      () =>
        send(
          'POST',
          `/${s.creds.tenantId}/oauth2/v2.0/token`,
          [['content-type', 'application/x-www-form-urlencoded']],
          new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: s.creds.clientId,
            scope: 'api://x/.default',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: token,
          }).toString(),
        ),
    ],
  ];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openmi-nocrash-'));
    s = await spawnServe(dir);
    const arm = await s.token();
    const put = (path: string, body: unknown) =>
      httpsRequest(`${s.baseUrl}${path}`, {
        method: 'PUT',
        ca: s.ca,
        body: JSON.stringify(body),
        headers: { authorization: `Bearer ${arm}`, 'content-type': 'application/json' },
      });
    const rg = `/subscriptions/${s.creds.subscriptionId}/resourceGroups/rg-nocrash`;
    await put(`${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    assert.equal(
      (
        await put(`${rg}/providers/Microsoft.KeyVault/vaults/kvnocrash?api-version=2023-07-01`, {
          location: 'westeurope',
          properties: { tenantId: s.creds.tenantId, sku: { family: 'A', name: 'standard' } },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await put(`${rg}/providers/Microsoft.Storage/storageAccounts/stnocrash?api-version=2023-05-01`, {
          location: 'westeurope',
          sku: { name: 'Standard_LRS' },
          kind: 'StorageV2',
        })
      ).status,
      200,
    ); // Storage's spec has no 201
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [what, token] of Object.entries(HOSTILE)) {
    it(`a bearer token with a ${what} is refused with 4xx on every surface, and the process keeps serving`, async () => {
      for (const [surface, call] of surfaces(token)) {
        const out = await call();
        assert.ok(s.alive(), `${surface}: openmi serve exited:\n${s.output().slice(-3000)}`);
        assert.equal(out.kind, 'answer', `${surface}: no answer`);
        if (out.kind !== 'answer') continue;
        assert.ok(out.status >= 400 && out.status < 500, `${surface}: status ${out.status}`);
        const challenge = out.headers.get('www-authenticate') ?? '';
        assert.match(challenge, /^[\x20-\x7e]*$/, `${surface}: the challenge is printable ASCII`);
        assert.ok(challenge.length <= 1024, `${surface}: the challenge is bounded (${challenge.length} characters)`);
      }
      assert.equal((await httpsRequest(`${s.baseUrl}/healthz`, { ca: s.ca })).status, 200);
    });
  }

  it('echoed request ids and versions are bounded and printable', async () => {
    const latin1 = Buffer.from('id-\u00e9\u00ff', 'latin1').toString('latin1');
    const arm = await send('GET', '/subscriptions?api-version=2022-12-01', [['x-ms-client-request-id', latin1]]);
    assert.ok(arm.kind === 'answer' && arm.status === 401);
    assert.match(arm.headers.get('x-ms-client-request-id') ?? '', /^[\x20-\x7e]+$/);
    const blob = await send('GET', '/c/b', [
      ['host', `stnocrash.blob.${ZONE}:${s.port}`],
      ['x-ms-version', `2025-${'9'.repeat(10_000)}`],
    ]);
    assert.ok(blob.kind === 'answer' && blob.status >= 400 && blob.status < 500);
    assert.ok(
      (blob.headers.get('x-ms-version') ?? '').length <= 32,
      'x-ms-version is echoed at most 32 characters long',
    );
    assert.ok(s.alive());
  });
});
