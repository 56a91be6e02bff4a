import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RESOURCE_TYPES } from '../../src/server/resources/resource-kinds.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { httpsRequest } from '../helpers/https.js';
import { createOneOfEach, type CreatedResource } from '../helpers/resource-samples.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const V = 'api-version=2021-04-01';

/**
 * Provider types that are not top-level resources of a group, so Resources – List and a group's
 * deletion rightly ignore them. Anything else the route table serves must be a resource kind.
 */
const NOT_IN_GROUPS = [
  /^Microsoft\.Resources\//i, // tenants, subscriptions, groups, providers, the list itself
  /^Microsoft\.Authorization\//i, // extension resources: they live at any scope, deleted with it
  /^Microsoft\.Insights\/eventtypes/i, // the activity log
  /^Microsoft\.ManagedIdentity\/(operations|identities)$/i, // catalogue; a resource's system-assigned identity (extension)
  /^OpenMI\./i, // openmi's own administration: agents, tokens, logs, portal links
  /\/checkNameAvailability$/i, // an action on the provider (Azure lists it as a type too), not a resource
];

await describeEachStore('Resources – List and generic reads over every type openmi serves', (store) => {
  let t: TestServer;
  let one: CreatedResource[];
  let two: CreatedResource[];
  const sub = () => t.creds.subscriptionId;
  const list = async (path: string, token?: string) => {
    const r = token
      ? await httpsRequest(`${t.server.baseUrl}${path}`, { ca: t.ca, headers: { authorization: `Bearer ${token}` } })
      : await t.arm('GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json as { value: Record<string, any>[]; nextLink?: string };
  };
  const names = (v: readonly Record<string, any>[]): string[] => v.map((r) => r.name as string).sort();

  before(async () => {
    t = await startTestServer(await store.options());
    for (const rg of ['rg-one', 'rg-two'])
      await t.arm('PUT', `/subscriptions/${sub()}/resourceGroups/${rg}?${V}`, { location: 'westeurope' });
    one = await createOneOfEach(t, 'rg-one', 'alpha', { env: 'Prod', team: 'payments' });
    two = await createOneOfEach(t, 'rg-two', 'beta', { env: 'dev' });
  });
  after(() => t?.stop());

  it('every top-level type the route table serves is a resource kind, and each kind is served', async () => {
    const providers = await list(`/providers?${V}`);
    const served = providers.value.flatMap((p) =>
      (p.resourceTypes as { resourceType: string }[])
        .filter((rt) => !rt.resourceType.includes('/'))
        .map((rt) => `${p.namespace}/${rt.resourceType}`),
    );
    const topLevel = served.filter((type) => !NOT_IN_GROUPS.some((re) => re.test(type)));
    assert.deepEqual(
      topLevel.sort(),
      [...RESOURCE_TYPES].sort(),
      'add new top-level types to RESOURCE_KINDS (resources/resource-kinds.ts)',
    );
  });

  it('lists every resource at subscription and group scope with the generic envelope, never properties', async () => {
    const all = await list(`/subscriptions/${sub()}/resources?${V}`);
    assert.deepEqual(names(all.value), names([...one, ...two]));
    assert.deepEqual(
      names((await list(`/subscriptions/${sub()}/resourceGroups/rg-one/resources?${V}`)).value),
      names(one),
    );
    for (const c of one) {
      const r = all.value.find((x) => x.id === c.id)!;
      assert.equal(r.type, c.type);
      assert.equal(r.location, 'westeurope');
      assert.deepEqual(r.tags, { env: 'Prod', team: 'payments' });
      assert.equal(r.properties, undefined, c.type);
      if (c.body.identity?.principalId) assert.equal(r.identity.principalId, c.body.identity.principalId, c.type);
    }
    const storage = all.value.find(
      (x) => x.type === 'Microsoft.Storage/storageAccounts' && x.name.startsWith('alpha'),
    )!;
    assert.equal(storage.kind, 'StorageV2');
    assert.equal(storage.sku.name, 'Standard_LRS');
  });

  it('reads each resource by id with the api-version its provider lists first (az resource show --ids)', async () => {
    for (const c of one) {
      const r = await t.arm('GET', `${c.id}?api-version=${c.apiVersion}`);
      assert.equal(r.status, 200, `${c.type} ${c.apiVersion}: ${r.text}`);
      assert.equal(r.json.id, c.id);
    }
  });

  it('filters as the clients do: resourceType (vaults.list), name, substringof, resourceGroup, location, tags, and/or', async () => {
    const q = async (filter: string, scope = `/subscriptions/${sub()}`) =>
      names((await list(`${scope}/resources?$filter=${encodeURIComponent(filter)}&${V}`)).value);
    const ofType = (type: string) => names([...one, ...two].filter((c) => c.type === type));
    for (const type of RESOURCE_TYPES)
      assert.deepEqual(await q(`resourceType eq '${type.toLowerCase()}'`), ofType(type), type);
    assert.deepEqual(await q("name eq 'ALPHA0'"), ['alpha0']);
    assert.deepEqual(await q("substringof('pha1', name)"), ['alpha1']);
    assert.deepEqual(await q("resourceGroup eq 'RG-TWO'"), names(two));
    assert.deepEqual(await q("location eq 'West Europe' and name eq 'beta2'"), ['beta2']);
    assert.deepEqual(await q("tagname eq 'env' and tagvalue eq 'Prod'"), names(one));
    assert.deepEqual(await q("tagName eq 'team'"), names(one));
    assert.deepEqual(await q("startswith(tagname, 'te')"), names(one));
    assert.deepEqual(await q("tagValue eq 'prod'"), [], 'tag values compare case-sensitively');
    assert.deepEqual(await q("name eq 'alpha0' or (name eq 'beta1' and resourceGroup eq 'rg-two')"), [
      'alpha0',
      'beta1',
    ]);
    assert.deepEqual(
      await q("resourceType eq 'Microsoft.KeyVault/vaults' and resourceGroup ne 'rg-one'"),
      ofType('Microsoft.KeyVault/vaults').filter((n) => n.startsWith('beta')),
    );
    assert.deepEqual(await q("name eq 'beta0'", `/subscriptions/${sub()}/resourceGroups/rg-one`), []);
  });

  it('pages with $top through absolute nextLinks that keep $filter, $expand and api-version', async () => {
    const pages: Record<string, any>[][] = [];
    let link: string | undefined =
      `${t.server.baseUrl}/subscriptions/${sub()}/resources?$top=4&$filter=${encodeURIComponent("substringof('a', name)")}&$expand=createdTime,changedTime,provisioningState&${V}`;
    while (link) {
      if (pages.length > 0)
        assert.ok(
          link.startsWith(`${t.server.baseUrl}/`) &&
            link.includes('api-version=2021-04-01') &&
            link.includes('%24filter=') &&
            link.includes('%24expand='),
          link,
        );
      const r = await list(link.slice(t.server.baseUrl.length));
      pages.push(r.value);
      link = r.nextLink;
      assert.ok(pages.length < 20, 'paging does not end');
    }
    assert.ok(pages.length >= 3 && pages.every((p) => p.length <= 4), JSON.stringify(pages.map((p) => p.length)));
    assert.deepEqual(names(pages.flat()), names([...one, ...two].filter((c) => c.name.includes('a'))));
    for (const r of pages.flat()) {
      assert.equal(r.provisioningState, 'Succeeded');
      assert.ok(!Number.isNaN(Date.parse(r.createdTime)) && !Number.isNaN(Date.parse(r.changedTime)));
    }
  });

  it('answers an unsupported $filter or $expand with 400 saying what is supported; an unknown group with ResourceGroupNotFound', async () => {
    const bad = await t.arm(
      'GET',
      `/subscriptions/${sub()}/resources?$filter=${encodeURIComponent("plan eq 'x'")}&${V}`,
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'InvalidFilterInQueryString');
    assert.match(bad.json.error.message, /substringof/);
    assert.equal((await t.arm('GET', `/subscriptions/${sub()}/resources?$expand=properties&${V}`)).status, 400);
    const missing = await t.arm('GET', `/subscriptions/${sub()}/resourceGroups/nope/resources?${V}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'ResourceGroupNotFound');
  });

  it('shows a caller only the resources it may read', async () => {
    const caller = await identityToken(t);
    assert.deepEqual((await list(`/subscriptions/${sub()}/resources?${V}`, caller.token)).value, []);
    const groups = (q = '') =>
      httpsRequest(`${t.server.baseUrl}/subscriptions/${sub()}/resourcegroups?${V}${q}`, {
        ca: t.ca,
        headers: { authorization: `Bearer ${caller.token}` },
      });
    const none = await groups();
    assert.equal(none.status, 403, none.text);
    assert.match(none.json.error.message, /nor on any resource group in it/);
    const vault = two.find((c) => c.type === 'Microsoft.KeyVault/vaults')!;
    for (const scope of [`/subscriptions/${sub()}/resourceGroups/rg-one`, vault.id]) {
      const ra = await t.arm(
        'PUT',
        `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${sub()}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
            principalId: caller.principalId,
          },
        },
      );
      assert.equal(ra.status, 201, ra.text);
    }
    assert.deepEqual(
      names((await list(`/subscriptions/${sub()}/resources?${V}`, caller.token)).value),
      names([...one, vault]),
    );
    assert.deepEqual(
      names((await list(`/subscriptions/${sub()}/resourceGroups/rg-two/resources?${V}`, caller.token)).value),
      [vault.name],
    );
    // Resource Groups – List is filtered the same way: Reader on rg-one lists rg-one, not 403;
    // read on a vault in rg-two does not read rg-two. Filtered pages still honour $top.
    assert.deepEqual(names((await list(`/subscriptions/${sub()}/resourcegroups?${V}`, caller.token)).value), [
      'rg-one',
    ]);
    const first = await groups('&$top=1');
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(names(first.json.value), ['rg-one']);
    assert.ok(first.json.nextLink, 'groups after rg-one remain to be examined');
    const rest = await httpsRequest(first.json.nextLink, {
      ca: t.ca,
      headers: { authorization: `Bearer ${caller.token}` },
    });
    assert.deepEqual([rest.status, rest.json.value, rest.json.nextLink], [200, [], undefined]);
  });
});

/** An ARM token of a fresh user-assigned identity with no roles, through workload identity federation. */
async function identityToken(t: TestServer): Promise<{ token: string; principalId: string }> {
  const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-caller`;
  await t.arm('PUT', `${rg}?${V}`, { location: 'westeurope' });
  const uai = (
    await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/caller?api-version=2024-11-30`,
      { location: 'westeurope' },
    )
  ).json;
  const minted = (
    await t.arm('POST', '/providers/OpenMI.Tokens/workloadTokens?api-version=2025-01-01', { subject: 'caller' })
  ).json;
  const fic = await t.arm('PUT', `${uai.id}/federatedIdentityCredentials/pipeline?api-version=2024-11-30`, {
    properties: { issuer: minted.issuer, subject: 'caller', audiences: [minted.audience] },
  });
  assert.equal(fic.status, 201, fic.text);
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: uai.properties.clientId,
    scope: 'https://management.azure.com/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: minted.token,
  }).toString();
  const r = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca: t.ca,
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(r.status, 200, r.text);
  return { token: r.json.access_token, principalId: uai.properties.principalId };
}
