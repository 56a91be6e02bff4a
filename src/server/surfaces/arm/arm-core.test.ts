import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

const V = 'api-version=2025-04-01';

describe('ARM core over HTTPS', () => {
  let t: TestServer;
  let sub: string;
  before(async () => {
    t = await startTestServer();
    sub = t.creds.subscriptionId;
  });
  after(() => t.stop());

  const expectError = async (p: Promise<{ status: number; json: any; headers: any }>, status: number, code: string) => {
    const r = await p;
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.error.code, code);
    assert.ok(r.json.error.message.length > 20, 'message says what to fix');
    assert.ok(r.headers['x-ms-request-id']);
    assert.ok(r.headers['x-ms-correlation-request-id']);
    return r.json.error.message as string;
  };

  it('creates (201), replaces (200), reads, heads, patches and deletes a resource group', async () => {
    const path = `/subscriptions/${sub}/resourcegroups/rg-one?${V}`;
    const c = await t.arm('PUT', path, { location: 'West Europe', tags: { a: '1' } });
    assert.equal(c.status, 201);
    assert.equal(c.json.location, 'westeurope');
    assert.equal(c.json.id, `/subscriptions/${sub}/resourceGroups/rg-one`);
    assert.equal((await t.arm('PUT', path, { location: 'westeurope' })).status, 200);
    const g = await t.arm('GET', `/subscriptions/${sub}/resourceGroups/RG-ONE?${V}`);
    assert.equal(g.json.name, 'rg-one');
    assert.deepEqual(g.json.tags, {});
    assert.equal((await t.arm('HEAD', path)).status, 204);
    assert.equal((await t.arm('PATCH', path, { tags: { b: '2' } })).json.tags.b, '2');
    assert.equal((await t.arm('DELETE', path)).status, 200);
    assert.equal((await t.arm('DELETE', path)).status, 204);
    assert.equal((await t.arm('HEAD', path)).status, 404);
    await expectError(t.arm('GET', path), 404, 'ResourceGroupNotFound');
  });

  it('collapses repeated slashes and matches paths case-insensitively', async () => {
    await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/slashy?${V}`, { location: 'local' });
    const r = await t.arm('GET', `//SUBSCRIPTIONS//${sub}/ResourceGroups/slashy/?${V}`);
    assert.equal(r.status, 200);
  });

  it('pages with absolute nextLinks that carry api-version', async () => {
    for (const n of ['p1', 'p2', 'p3'])
      await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/${n}?${V}`, { location: 'local' });
    const names: string[] = [];
    let r = await t.arm('GET', `/subscriptions/${sub}/resourceGroups?${V}&$top=2`);
    names.push(...r.json.value.map((g: any) => g.name));
    while (r.json.nextLink) {
      const link = new URL(r.json.nextLink);
      assert.equal(link.origin, t.server.baseUrl);
      assert.equal(link.searchParams.get('api-version'), '2025-04-01');
      r = await t.arm('GET', link.pathname + link.search);
      names.push(...r.json.value.map((g: any) => g.name));
    }
    for (const n of ['p1', 'p2', 'p3']) assert.ok(names.includes(n));
    assert.equal(new Set(names).size, names.length);
  });

  it('refuses missing, malformed and unknown api-versions with the supported list', async () => {
    const base = `/subscriptions/${sub}/resourceGroups/x`;
    await expectError(t.arm('GET', base), 400, 'MissingApiVersionParameter');
    await expectError(t.arm('GET', `${base}?api-version=banana`), 400, 'InvalidApiVersionParameter');
    const msg = await expectError(t.arm('GET', `${base}?api-version=1999-01-01`), 400, 'NoRegisteredProviderFound');
    assert.match(msg, /2025-04-01/);
  });

  it('refuses malformed JSON, oversized bodies, invalid names, bad locations and unknown routes', async () => {
    await expectError(
      t.arm('PUT', `/subscriptions/${sub}/resourceGroups/j?${V}`, '{"location":'),
      400,
      'InvalidRequestContent',
    );
    await expectError(
      t.arm('PUT', `/subscriptions/${sub}/resourceGroups/big?${V}`, {
        location: 'local',
        pad: 'x'.repeat(5 * 1024 * 1024),
      }),
      413,
      'RequestEntityTooLarge',
    );
    await expectError(
      t.arm('PUT', `/subscriptions/${sub}/resourceGroups/bad.?${V}`, { location: 'local' }),
      400,
      'InvalidResourceGroupName',
    );
    await expectError(
      t.arm('PUT', `/subscriptions/${sub}/resourceGroups/${'x'.repeat(91)}?${V}`, { location: 'local' }),
      400,
      'InvalidResourceGroupName',
    );
    await expectError(
      t.arm('PUT', `/subscriptions/${sub}/resourceGroups/loc?${V}`, { location: 'atlantis' }),
      400,
      'LocationNotAvailableForResourceGroup',
    );
    await expectError(t.arm('PUT', `/subscriptions/${sub}/resourceGroups/loc?${V}`, {}), 400, 'LocationRequired');
    await expectError(t.arm('GET', `/nothing/here?${V}`), 404, 'NotFound');
    await expectError(
      t.arm('GET', `/subscriptions/${sub}/providers/Microsoft.Nope/things/x?${V}`),
      400,
      'InvalidResourceType',
    );
    await expectError(
      t.arm('GET', `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups?${V}`),
      404,
      'SubscriptionNotFound',
    );
  });

  it('lists tenants, subscriptions and providers, and serves /metadata/endpoints without a token', async () => {
    assert.equal((await t.arm('GET', `/subscriptions?${V}`)).json.value[0].subscriptionId, sub);
    assert.equal((await t.arm('GET', `/tenants?${V}`)).json.value[0].tenantId, t.creds.tenantId);
    const p = await t.arm('GET', `/subscriptions/${sub}/providers/microsoft.resources?${V}`);
    assert.ok(p.json.resourceTypes.some((rt: any) => rt.resourceType === 'resourceGroups'));
    const { httpsRequest } = await import('../../../../test/helpers/https.js');
    const legacy = await httpsRequest(`${t.server.baseUrl}/metadata/endpoints?api-version=2015-01-01`, { ca: t.ca });
    assert.equal(legacy.status, 200);
    // The ADFS-style authority, so MSAL-based clients (az 2.45) skip instance discovery.
    assert.equal(legacy.json.authentication.loginEndpoint, `${t.server.baseUrl}/adfs`);
    const modern = await httpsRequest(`${t.server.baseUrl}/metadata/endpoints?api-version=2022-09-01`, { ca: t.ca });
    assert.equal(modern.json[0].resourceManager, `${t.server.baseUrl}/`);
  });
});
