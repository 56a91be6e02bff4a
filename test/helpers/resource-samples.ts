import assert from 'node:assert/strict';
import { RESOURCE_TYPES } from '../../src/server/resources/resource-kinds.js';
import type { TestServer } from './server.js';

/** What a PUT of one resource of each served type needs beyond `location` and `tags`. */
const BODIES: Record<string, Record<string, unknown>> = {
  'Microsoft.Compute/virtualMachines': {
    identity: { type: 'SystemAssigned' },
    properties: { hardwareProfile: { vmSize: 'Standard_B1s' } },
  },
  'Microsoft.Compute/virtualMachineScaleSets': { sku: { name: 'Standard_B1s', capacity: 1 } },
  'Microsoft.Web/sites': { kind: 'app', identity: { type: 'SystemAssigned' } },
  'Microsoft.ContainerInstance/containerGroups': { properties: { osType: 'Linux', containers: [] } },
  'Microsoft.App/containerApps': {},
  'Microsoft.HybridCompute/machines': { identity: { type: 'SystemAssigned' } },
  'Microsoft.ManagedIdentity/userAssignedIdentities': {},
  'Microsoft.KeyVault/vaults': { properties: { sku: { family: 'A', name: 'standard' } } },
  'Microsoft.Storage/storageAccounts': { sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
  'Microsoft.ContainerRegistry/registries': { sku: { name: 'Basic' } },
};

/** The newest api-version a provider lists for a type, stable ones first: what `az resource` picks. */
export async function azApiVersion(t: TestServer, type: string): Promise<string> {
  const [ns, ...rest] = type.split('/');
  const r = await t.arm('GET', `/subscriptions/${t.creds.subscriptionId}/providers/${ns}?api-version=2021-04-01`);
  assert.equal(r.status, 200, r.text);
  const rt = (r.json.resourceTypes as { resourceType: string; apiVersions: string[] }[]).find(
    (x) => x.resourceType.toLowerCase() === rest.join('/').toLowerCase(),
  );
  assert.ok(rt && rt.apiVersions.length > 0, `provider ${ns} lists no api-versions for ${type}`);
  return rt.apiVersions.find((v) => !v.toLowerCase().includes('preview')) ?? rt.apiVersions[0]!;
}

export interface CreatedResource {
  type: string;
  id: string;
  name: string;
  apiVersion: string;
  body: Record<string, any>;
}

/**
 * Creates one resource of every type openmi serves in `rg` (which must exist), named
 * `{prefix}{n}` (lower-case letters and digits fit every type's name rule), each with the given tags.
 */
export async function createOneOfEach(
  t: TestServer,
  rg: string,
  prefix: string,
  tags: Record<string, string> = {},
): Promise<CreatedResource[]> {
  assert.deepEqual(
    RESOURCE_TYPES.filter((type) => !BODIES[type]),
    [],
    'add a sample body for each new resource type (test/helpers/resource-samples.ts)',
  );
  const out: CreatedResource[] = [];
  for (const [n, type] of RESOURCE_TYPES.entries()) {
    const apiVersion = await azApiVersion(t, type);
    const name = `${prefix}${n}`;
    const path = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/${rg}/providers/${type}/${name}`;
    const r = await t.arm('PUT', `${path}?api-version=${apiVersion}`, {
      location: 'westeurope',
      tags,
      ...BODIES[type],
    });
    // 200, 201 or 202 as the type's REST spec says; the GET that follows is what a client would read.
    assert.ok([200, 201, 202].includes(r.status), `${type}: ${r.status} ${r.text}`);
    const got = await t.arm('GET', `${path}?api-version=${apiVersion}`);
    assert.equal(got.status, 200, `${type}: ${got.text}`);
    out.push({ type, id: got.json.id, name, apiVersion, body: got.json });
  }
  return out;
}
