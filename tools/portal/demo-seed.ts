/**
 * A small, realistic installation made over the public ARM API (plus token requests from a
 * hand-made agent, for the sign-in log): what the portal's screenshots and accessibility tests
 * look at. The server's clock must be the ManualClock passed here, set a day back.
 */
import type { TestServer } from '../../test/helpers/server.js';
import { RawAgent } from '../../test/helpers/raw-agent.js';
import type { ManualClock } from '../../src/kernel/clock.js';

const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const VM = 'Microsoft.Compute/virtualMachines';
const ROLES = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  kvSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  blobReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
};

async function ok(p: Promise<{ status: number; text: string; json: any }>): Promise<any> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${r.text}`);
  return r.json;
}

export async function seedDemo(t: TestServer, clock: ManualClock): Promise<Record<string, string>> {
  const sub = `/subscriptions/${t.creds.subscriptionId}`;
  const ids: Record<string, string> = {};
  for (const rg of ['rg-payments', 'rg-platform'])
    await ok(t.arm('PUT', `${sub}/resourceGroups/${rg}?api-version=2021-04-01`, { location: 'local' }));
  const identities: Array<[string, string, Record<string, string>]> = [
    ['payments-api', 'rg-payments', { team: 'payments', env: 'prod' }],
    ['payments-batch', 'rg-payments', { team: 'payments' }],
    ['ci-deployer', 'rg-platform', { team: 'platform' }],
    ['legacy-reporting', 'rg-platform', {}],
  ];
  for (const [name, rg, tags] of identities) {
    const u = await ok(
      t.arm('PUT', `${sub}/resourceGroups/${rg}/providers/${UAI}/${name}?api-version=2024-11-30`, {
        location: 'local',
        tags,
      }),
    );
    Object.assign(ids, {
      [name]: u.id,
      [`${name}:principal`]: u.properties.principalId,
      [`${name}:client`]: u.properties.clientId,
    });
  }
  for (const [vm, id] of [
    ['vm-api-1', 'payments-api'],
    ['vm-api-2', 'payments-api'],
    ['vm-batch', 'payments-batch'],
  ] as const) {
    const v = await ok(
      t.arm('PUT', `${sub}/resourceGroups/rg-payments/providers/${VM}/${vm}?api-version=2024-07-01`, {
        location: 'local',
        identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [ids[id]!]: {} } },
      }),
    );
    ids[vm] = v.id;
  }
  await ok(
    t.arm(
      'PUT',
      `${sub}/resourceGroups/rg-platform/providers/Microsoft.Web/sites/deploy-hooks?api-version=2023-12-01`,
      { location: 'local', identity: { type: 'UserAssigned', userAssignedIdentities: { [ids['ci-deployer']!]: {} } } },
    ),
  );
  const assign = (scope: string, role: string, principal: string, n: string) =>
    ok(
      t.arm('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${n}?api-version=2022-04-01`, {
        properties: {
          roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId: principal,
          principalType: 'ServicePrincipal',
        },
      }),
    );
  await assign(
    `${sub}/resourceGroups/rg-payments`,
    ROLES.kvSecretsUser,
    ids['payments-api:principal']!,
    '11111111-2222-4333-8444-555555555501',
  );
  await assign(
    `${sub}/resourceGroups/rg-payments`,
    ROLES.blobReader,
    ids['payments-api:principal']!,
    '11111111-2222-4333-8444-555555555502',
  );
  await assign(sub, ROLES.reader, ids['legacy-reporting:principal']!, '11111111-2222-4333-8444-555555555503');
  await ok(
    t.arm('PUT', `${ids['ci-deployer']}/federatedIdentityCredentials/github-main?api-version=2024-11-30`, {
      properties: {
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/payments:ref:refs/heads/main',
        audiences: ['api://AzureADTokenExchange'],
      },
    }),
  );
  await signIns(t, ids, clock);
  return ids;
}

export const HOUR = 3_600_000;

/**
 * Real token requests through the agent API, spread over the last day on the server's clock:
 * successes, and failures for an identity a VM does not carry. Ends with the clock at now.
 */
async function signIns(t: TestServer, ids: Record<string, string>, clock: ManualClock): Promise<void> {
  const agents = new Map<string, RawAgent>();
  for (const vm of ['vm-api-1', 'vm-api-2', 'vm-batch']) {
    const join = await ok(t.arm('POST', `${ids[vm]}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {}));
    const agent = new RawAgent(t, clock);
    await agent.enroll(join.token);
    agents.set(vm, agent);
  }
  const end = Date.now();
  for (let h = 22; h >= 0; h--) {
    clock.set(end - h * HOUR);
    for (let i = 0; i < 2 + ((h * 7) % 5); i++) {
      await agents
        .get(i % 2 ? 'vm-api-1' : 'vm-api-2')!
        .token(i % 3 ? 'https://vault.azure.net' : 'https://storage.azure.com', {
          name: 'client_id',
          value: ids['payments-api:client']!,
        });
    }
    // vm-batch does not carry payments-api: a misconfigured deployment, refused every few hours.
    if (h % 4 === 1)
      await agents
        .get('vm-batch')!
        .token('https://vault.azure.net', { name: 'client_id', value: ids['payments-api:client']! });
    if (h % 6 === 0)
      await agents
        .get('vm-batch')!
        .token('https://storage.azure.com', { name: 'client_id', value: ids['payments-batch:client']! });
  }
  clock.set(Date.now());
}
