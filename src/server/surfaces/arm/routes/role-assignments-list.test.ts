import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';
import type { ArmCall } from '../router.js';
import { pageOf } from './authorization-wire.js';

const V = 'api-version=2022-04-01';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const RA = 'providers/Microsoft.Authorization/roleAssignments';

describe('ARM roleAssignments lists and $filter', () => {
  let t: TestServer;
  let sub: string;
  let rg: string;
  let uai: string;
  let app: string;
  let other: string;
  const made: Record<string, string> = {};
  const names = async (path: string) => {
    const r = await t.arm('GET', path);
    assert.equal(r.status, 200, r.text);
    return (r.json.value as { name: string }[])
      .map((a) => Object.keys(made).find((k) => made[k] === a.name) ?? 'bootstrap')
      .sort();
  };
  const assign = async (key: string, scope: string, principalId: string) => {
    made[key] = randomUUID();
    const r = await t.arm('PUT', `${scope}/${RA}/${made[key]}?${V}`, {
      properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId },
    });
    assert.equal(r.status, 201, r.text);
  };

  before(async () => {
    t = await startTestServer();
    sub = `/subscriptions/${t.creds.subscriptionId}`;
    rg = `${sub}/resourceGroups/rg-list`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    await t.arm('PUT', `${sub}/resourceGroups/rg-sibling?api-version=2025-04-01`, { location: 'local' });
    const a = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app?api-version=2024-11-30`,
      { location: 'local' },
    );
    const b = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other?api-version=2024-11-30`,
      { location: 'local' },
    );
    uai = a.json.id;
    app = a.json.properties.principalId;
    other = b.json.properties.principalId;
    await assign('sub:app', sub, app);
    await assign('rg:other', rg, other);
    await assign('uai:app', uai, app);
    await assign('sibling:app', `${sub}/resourceGroups/rg-sibling`, app);
  });
  after(() => t.stop());

  it('no filter: at, above and below the scope (the bootstrap Owner at / is above everything)', async () => {
    assert.deepEqual(await names(`/${rg}/${RA}?${V}`), ['bootstrap', 'rg:other', 'sub:app', 'uai:app']);
    assert.deepEqual(await names(`${sub}/${RA}?${V}`), ['bootstrap', 'rg:other', 'sibling:app', 'sub:app', 'uai:app']);
  });

  it('atScope(): at and above only, arriving unencoded as the SDK sends it', async () => {
    assert.deepEqual(await names(`/${rg}/${RA}?${V}&$filter=atScope()`), ['bootstrap', 'rg:other', 'sub:app']);
    assert.deepEqual(await names(`${uai}/${RA}?${V}&$filter=atScope()`), [
      'bootstrap',
      'rg:other',
      'sub:app',
      'uai:app',
    ]);
  });

  it("principalId eq '…': that principal's, at, above and below, percent-encoded", async () => {
    const f = encodeURIComponent(`principalId eq '${app.toUpperCase()}'`);
    assert.deepEqual(await names(`${rg}/${RA}?${V}&$filter=${f}`), ['sub:app', 'uai:app']);
    assert.deepEqual(await names(`${sub}/${RA}?${V}&$filter=${f}`), ['sibling:app', 'sub:app', 'uai:app']);
  });

  it("assignedTo('…') and atScope() and principalId: that principal's at and above only", async () => {
    assert.deepEqual(await names(`${uai}/${RA}?${V}&$filter=${encodeURIComponent(`assignedTo('${app}')`)}`), [
      'sub:app',
      'uai:app',
    ]);
    assert.deepEqual(
      await names(`${rg}/${RA}?${V}&$filter=${encodeURIComponent(`atScope() and principalId eq '${app}'`)}`),
      ['sub:app'],
    );
  });

  it('the root scope lists every assignment; each item carries its own scope', async () => {
    const r = await t.arm('GET', `/providers/Microsoft.Authorization/roleAssignments?${V}`);
    assert.equal(r.status, 200);
    const byName = new Map(
      (r.json.value as { name: string; properties: { scope: string } }[]).map((a) => [a.name, a.properties.scope]),
    );
    assert.equal(byName.get(made['uai:app']!), uai);
    assert.equal(byName.get(made['sibling:app']!), `${sub}/resourceGroups/rg-sibling`);
    assert.equal(byName.size, 5);
  });

  it('an unsupported $filter is refused with the supported terms; a missing scope with its code', async () => {
    const r = await t.arm('GET', `${rg}/${RA}?${V}&$filter=${encodeURIComponent("roleName eq 'Reader'")}`);
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'InvalidFilter');
    assert.match(r.json.error.message, /atScope\(\)/);
    const missing = await t.arm('GET', `${sub}/resourceGroups/gone/${RA}?${V}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'ResourceGroupNotFound');
  });
});

describe('pageOf', () => {
  const call = (query: string) =>
    ({ ctx: { query: new URLSearchParams(query), path: '/providers/X/y' } }) as unknown as ArmCall;

  it('pages by offset with an absolute nextLink that keeps api-version and $filter, and ends without one', () => {
    const first = pageOf('https://h', call('api-version=2022-04-01&$filter=atScope()'), [1, 2, 3, 4, 5], 2);
    assert.deepEqual(first.value, [1, 2]);
    const next = new URL(first.nextLink!);
    assert.equal(next.origin + next.pathname, 'https://h/providers/X/y');
    assert.equal(next.searchParams.get('api-version'), '2022-04-01');
    assert.equal(next.searchParams.get('$filter'), 'atScope()');
    const second = pageOf('https://h', call(next.search.slice(1)), [1, 2, 3, 4, 5], 2);
    assert.deepEqual(second.value, [3, 4]);
    const last = pageOf('https://h', call(new URL(second.nextLink!).search.slice(1)), [1, 2, 3, 4, 5], 2);
    assert.deepEqual(last, { value: [5] });
  });

  it('refuses a skip token it did not make', () => {
    assert.throws(
      () => pageOf('https://h', call(`$skiptoken=${Buffer.from('x').toString('base64url')}`), [1], 2),
      /skiptoken/,
    );
  });
});
