import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { ControlPlaneChange } from '../../../audit/changes.js';
import { ManualClock } from '../../../../kernel/clock.js';
import { openStore } from '../../../../store/open-store.js';
import { httpsRequest } from '../../../../../test/helpers/https.js';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';
import { waitFor } from '../../../../../test/helpers/wait.js';
import { KeyRing } from '../../../tokens/key-ring.js';
import type { ArmCall } from '../router.js';
import { signingKeyRoutes } from './signing-keys.js';

const KEYS = '/providers/OpenMI.Tokens/signingKeys?api-version=2025-01-01';
const ROTATE = '/providers/OpenMI.Tokens/signingKeys/rotate?api-version=2025-01-01';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('signing key ARM routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  const verifyAll = async (tokens: string[]) => {
    const jwks = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/discovery/v2.0/keys`, { ca: t.ca });
    const disco = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/.well-known/openid-configuration`, {
      ca: t.ca,
    });
    const keySet = createLocalJWKSet(jwks.json);
    for (const token of tokens)
      await jwtVerify(token, keySet, { issuer: disco.json.issuer, audience: t.server.baseUrl, algorithms: ['RS256'] });
  };

  it('lists the keys with ISO times and no key material', async () => {
    const r = await t.arm('GET', KEYS);
    assert.equal(r.status, 200, r.text);
    const value = r.json.value as Record<string, unknown>[];
    assert.deepEqual(value.map((k) => k.status).sort(), ['current', 'next']);
    for (const k of value) {
      assert.deepEqual(Object.keys(k).sort(), [
        'activatedAt',
        'createdAt',
        'kid',
        'publishUntil',
        'retiredAt',
        'status',
      ]);
      assert.match(k.createdAt as string, ISO);
    }
    assert.match(value.find((k) => k.status === 'current')!.activatedAt as string, ISO);
    assert.doesNotMatch(r.text, /sealed|"n"|"x5c"|PRIVATE/);
  });

  it('requires the api-version and is advertised under the OpenMI.Tokens provider', async () => {
    assert.equal((await t.arm('GET', KEYS.replace('2025-01-01', '2020-01-01'))).status, 400);
    const p = await t.arm('GET', '/providers/OpenMI.Tokens?api-version=2025-04-01');
    assert.equal(p.status, 200, p.text);
    const types = p.json.resourceTypes as { resourceType: string }[];
    assert.deepEqual(
      types.find((r) => r.resourceType === 'signingKeys'),
      { resourceType: 'signingKeys', locations: ['local'], apiVersions: ['2025-01-01'] },
    );
  });

  it('tokens from before and after a rotation both verify against JWKS and carry different kids', async () => {
    const first = await t.adminToken();
    const rotated = await t.arm('POST', ROTATE);
    assert.equal(rotated.status, 200, rotated.text);
    const { retiredKid, currentKid, nextKid } = rotated.json;
    const second = await t.adminToken();
    assert.equal(decodeProtectedHeader(first).kid, retiredKid);
    assert.equal(decodeProtectedHeader(second).kid, currentKid);
    assert.notEqual(retiredKid, currentKid);
    await verifyAll([first, second]);
    const list = (await t.arm('GET', KEYS)).json.value as {
      kid: string;
      status: string;
      retiredAt: string;
      publishUntil: string;
    }[];
    const status = Object.fromEntries(list.map((k) => [k.kid, k.status]));
    assert.deepEqual(status[retiredKid], 'retired');
    assert.deepEqual(status[currentKid], 'current');
    assert.deepEqual(status[nextKid], 'next');
    const retired = list.find((k) => k.kid === retiredKid)!;
    assert.ok(
      Date.parse(retired.publishUntil) - Date.parse(retired.retiredAt) >= 3_600_000,
      'published at least one token lifetime',
    );
  });

  it('rotating three times under continuous load fails no request', async () => {
    let failures: string[] = [];
    const kids = new Set<string>();
    let stop = false;
    let requests = 0;
    const call = async (token: string) => {
      requests++;
      const r = await t.arm('GET', '/subscriptions?api-version=2022-12-01', undefined, {
        authorization: `Bearer ${token}`,
      });
      if (r.status !== 200) failures.push(`ARM ${r.status} ${r.text.slice(0, 200)}`);
    };
    const loop = async () => {
      let previous: string | undefined;
      while (!stop) {
        const token = await t.adminToken().catch((e: Error) => (failures.push(e.message), undefined));
        if (!token) continue;
        kids.add(decodeProtectedHeader(token).kid!);
        // The previous token may be signed by the key a rotation just retired.
        await Promise.all([call(token), previous ? call(previous) : undefined]);
        previous = token;
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    const rotations: number[] = [];
    // Before each rotation and before the end: 16 more ARM calls and, after a rotation, a token
    // signed by the key it made current, so the load spans every rotation.
    const moreLoad = async (kid?: string) => {
      const mark = requests;
      await waitFor(() => requests >= mark + 16 && (kid === undefined || kids.has(kid)), {
        what: `16 more ARM calls${kid ? ` and a token signed by ${kid}` : ''}`,
        timeoutMs: 30_000,
      });
    };
    let current: string | undefined;
    for (let i = 0; i < 3; i++) {
      await moreLoad(current);
      const r = await t.arm('POST', ROTATE);
      rotations.push(r.status);
      current = r.json?.currentKid as string | undefined;
    }
    await moreLoad(current);
    stop = true;
    await Promise.all(loops);
    assert.deepEqual(rotations, [200, 200, 200]);
    assert.deepEqual((failures = failures.slice(0, 5)), []);
    assert.ok(kids.size >= 3, `load spanned the rotations (saw ${kids.size} signing keys)`);
    assert.ok(requests >= 50, `the load was continuous (${requests} ARM calls)`);
  });
});

describe('signing key routes (handlers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-signing-routes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('records the rotation in the activity log with the caller and the kids', async () => {
    const clock = new ManualClock();
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'routes.db') });
    try {
      const keys = await new KeyRing(store, randomBytes(32), clock).open();
      const changes: ControlPlaneChange[] = [];
      const routes = signingKeyRoutes({
        keys,
        sink: { store, clock, recorder: { record: (c) => changes.push(c) } },
        maxTokenLifetimeMs: 3_600_000,
      });
      const rotate = routes.find((r) => r.pattern.endsWith('/rotate'))!.methods.POST!;
      assert.equal(rotate.action, 'OpenMI.Tokens/signingKeys/rotate/action');
      assert.equal(
        routes.find((r) => !r.pattern.endsWith('/rotate'))!.methods.GET!.action,
        'OpenMI.Tokens/signingKeys/read',
      );
      const call = {
        ctx: { correlationId: 'corr-1' },
        params: {},
        apiVersion: '2025-01-01',
        caller: { objectId: 'admin-oid' },
        body: undefined,
      } as unknown as ArmCall;
      const result = await rotate.handle(call);
      assert.equal(result.status, 200);
      assert.deepEqual(changes, [
        {
          operation: 'OpenMI.Tokens/signingKeys/rotate/action',
          resourceId: '/providers/OpenMI.Tokens/signingKeys',
          status: 'Succeeded',
          actor: { principalId: 'admin-oid', correlationId: 'corr-1' },
          at: clock.now(),
          detail: result.body,
        },
      ]);
    } finally {
      await store.close();
    }
  });
});
