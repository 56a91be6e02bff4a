import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { newKeyAndCsr } from '../../src/gate/postgres/pg-tls.js';
import { COMPUTE_TYPES } from '../../src/wire/compute-types.js';
import { ArmRouter, type ArmRoute } from '../../src/server/surfaces/arm/router.js';
import type { HttpsResponse } from './https.js';
import { RawAgent } from './raw-agent.js';
import type { TestServer } from './server.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}';

/** Calls the ARM surface of a test server with each route's own api-version. */
export class ArmWriter {
  private readonly router: ArmRouter;
  private n = 0;

  constructor(
    readonly t: TestServer,
    routes: readonly ArmRoute[],
    /** An existing resource group every case may create things in. */
    readonly group: string,
  ) {
    this.router = new ArmRouter([...routes]);
  }

  get sub(): string {
    return `/subscriptions/${this.t.creds.subscriptionId}`;
  }

  get rg(): string {
    return `${this.sub}/resourceGroups/${this.group}`;
  }

  /** A fresh lower-case name (letters and digits fit every type's rule, vaults' and accounts' too). */
  name(prefix: string): string {
    return `${prefix}${++this.n}x${randomUUID().slice(0, 6)}`;
  }

  call(method: string, path: string, body?: unknown): Promise<HttpsResponse> {
    const match = this.router.match(path.split('/').filter(Boolean));
    assert.ok(match, `no ARM route serves ${path}`);
    const stable = [...match.route.apiVersions].sort().reverse();
    const version = stable.find((v) => !v.includes('preview')) ?? stable[0]!;
    return this.t.arm(method, `${path}?api-version=${version}`, body);
  }

  /** A setup call that must succeed; its JSON body. */
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  }

  async identity(): Promise<{ id: string; principalId: string }> {
    const u = await this.ok('PUT', `${this.rg}/providers/${UAI}/${this.name('uai')}`, { location: 'westeurope' });
    return { id: u.id, principalId: u.properties.principalId };
  }

  async vm(): Promise<string> {
    return (
      await this.ok('PUT', `${this.rg}/providers/Microsoft.Compute/virtualMachines/${this.name('vm')}`, {
        location: 'westeurope',
      })
    ).id;
  }
}

/** One write, ready to send once its setup is done, and the resource id its activity row must carry. */
export interface PlannedWrite {
  method: string;
  path: string;
  body?: unknown;
  resourceId: string;
  /** When the server names the resource it writes (a generated id), read it from the answer instead. */
  resourceIdOf?: (res: HttpsResponse) => string;
}

/** Makes what the write needs (through the API), then says which request makes the write. */
export type WriteCase = (w: ArmWriter) => Promise<PlannedWrite>;

const planned = (method: string, path: string, body?: unknown): PlannedWrite => ({
  method,
  path,
  body,
  resourceId: path,
});

/** PUT, PATCH and DELETE of a resource that a PUT with `body` creates. */
function resourceCases(
  pattern: string,
  prefix: string,
  body: () => Record<string, unknown>,
  pathOf: (w: ArmWriter, name: string) => string,
): Record<string, WriteCase> {
  return {
    [`PUT ${pattern}`]: async (w) => planned('PUT', pathOf(w, w.name(prefix)), body()),
    [`PATCH ${pattern}`]: async (w) => {
      const path = pathOf(w, w.name(prefix));
      await w.ok('PUT', path, body());
      return planned('PATCH', path, { tags: { patched: 'yes' } });
    },
    [`DELETE ${pattern}`]: async (w) => {
      const path = pathOf(w, w.name(prefix));
      await w.ok('PUT', path, body());
      return planned('DELETE', path);
    },
  };
}

const inGroup = (type: string) => (w: ArmWriter, name: string) => `${w.rg}/providers/${type}/${name}`;

function computeCases(): Record<string, WriteCase> {
  return Object.assign(
    {},
    ...COMPUTE_TYPES.map((c) =>
      resourceCases(`${RG}/providers/${c.type}/{name}`, 'cmp', () => ({ location: 'westeurope' }), inGroup(c.type)),
    ),
  );
}

const FIC = `${RG}/providers/${UAI}/{resourceName}/federatedIdentityCredentials/{federatedIdentityCredentialResourceName}`;
const ficBody = {
  properties: {
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:octo/app:ref:refs/heads/main',
    audiences: ['api://AzureADTokenExchange'],
  },
};

function identityCases(): Record<string, WriteCase> {
  return {
    ...resourceCases(`${RG}/providers/${UAI}/{resourceName}`, 'uai', () => ({ location: 'westeurope' }), inGroup(UAI)),
    [`PUT ${FIC}`]: async (w) =>
      planned('PUT', `${(await w.identity()).id}/federatedIdentityCredentials/fic1`, ficBody),
    [`DELETE ${FIC}`]: async (w) => {
      const path = `${(await w.identity()).id}/federatedIdentityCredentials/fic1`;
      await w.ok('PUT', path, ficBody);
      return planned('DELETE', path);
    },
  };
}

const RA = '{*scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}';
const RD = '{*scope}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}';

function authorizationCases(): Record<string, WriteCase> {
  const assignment = async (w: ArmWriter) => {
    const { principalId } = await w.identity();
    const body = {
      properties: {
        roleDefinitionId: `${w.sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
        principalId,
      },
    };
    return { path: `${w.rg}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`, body };
  };
  const definition = (w: ArmWriter) => ({
    path: `${w.sub}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`,
    body: {
      properties: {
        roleName: w.name('role'),
        type: 'CustomRole',
        permissions: [{ actions: ['*/read'] }],
        assignableScopes: [w.sub],
      },
    },
  });
  return {
    [`PUT ${RA}`]: async (w) => {
      const a = await assignment(w);
      return planned('PUT', a.path, a.body);
    },
    // Applying an access review replaces the identity's Reader with a role of what it used; the
    // usage is put in the store as the recorder would have flushed it (docs/audit.md).
    'POST {*scope}/providers/OpenMI.Audit/accessReview/apply': async (w) => {
      const { id, principalId } = await w.identity();
      const a = await assignment(w);
      const body = { properties: { ...a.body.properties, principalId } };
      await w.ok('PUT', a.path, body);
      const now = Date.now();
      await w.t.server.store.permissionUsage.add([
        {
          principalId,
          kind: 'action',
          action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
          scope: w.rg,
          assignmentId: a.path,
          day: now - (now % 86_400_000),
          count: 1,
          lastAt: now,
        },
      ]);
      return {
        ...planned('POST', `${id}/providers/OpenMI.Audit/accessReview/apply`),
        resourceIdOf: (res) => String(res.json.assignment.id),
      };
    },
    [`DELETE ${RA}`]: async (w) => {
      const a = await assignment(w);
      await w.ok('PUT', a.path, a.body);
      return planned('DELETE', a.path);
    },
    [`PUT ${RD}`]: async (w) => {
      const d = definition(w);
      return planned('PUT', d.path, d.body);
    },
    [`DELETE ${RD}`]: async (w) => {
      const d = definition(w);
      await w.ok('PUT', d.path, d.body);
      return planned('DELETE', d.path);
    },
  };
}

const ISSUERS = '/providers/OpenMI.Tokens/federationIssuers/{name}';

function tokenCases(): Record<string, WriteCase> {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const issuer = (w: ArmWriter) => {
    const name = w.name('iss');
    return {
      path: `/providers/OpenMI.Tokens/federationIssuers/${name}`,
      body: { properties: { issuer: `https://${name}.issuer.example/oidc`, jwks: { keys: [{ ...jwk, kid: 'k1' }] } } },
    };
  };
  return {
    [`PUT ${ISSUERS}`]: async (w) => {
      const i = issuer(w);
      return planned('PUT', i.path, i.body);
    },
    [`DELETE ${ISSUERS}`]: async (w) => {
      const i = issuer(w);
      await w.ok('PUT', i.path, i.body);
      return planned('DELETE', i.path);
    },
    'POST /providers/OpenMI.Tokens/signingKeys/rotate': async () => ({
      ...planned('POST', '/providers/OpenMI.Tokens/signingKeys/rotate'),
      resourceId: '/providers/OpenMI.Tokens/signingKeys',
    }),
    'POST {*scope}/providers/OpenMI.Tokens/revokeTokens': async (w) => {
      const { id } = await w.identity();
      return { method: 'POST', path: `${id}/providers/OpenMI.Tokens/revokeTokens`, body: {}, resourceId: id };
    },
    'POST /providers/OpenMI.Portal/loginLinks': async () => planned('POST', '/providers/OpenMI.Portal/loginLinks', {}),
    // A certificate every client of the installation trusts: its issuance is an activity row.
    'POST /providers/OpenMI.Pki/certificates/issue': async () => ({
      ...planned('POST', '/providers/OpenMI.Pki/certificates/issue', {
        csr: (await newKeyAndCsr({ dnsNames: ['db.example.test'], ipAddresses: [] })).csrPem,
      }),
      resourceId: '/providers/OpenMI.Pki/certificates',
    }),
  };
}

function agentCases(): Record<string, WriteCase> {
  return {
    'POST {*scope}/providers/OpenMI.Agents/joinTokens': async (w) => {
      const vm = await w.vm();
      return { method: 'POST', path: `${vm}/providers/OpenMI.Agents/joinTokens`, body: {}, resourceId: vm };
    },
    'DELETE {*scope}/providers/OpenMI.Agents/agents/{agentId}': async (w) => {
      const vm = await w.vm();
      const join = await w.ok('POST', `${vm}/providers/OpenMI.Agents/joinTokens`, {});
      const agent = new RawAgent(w.t);
      assert.equal((await agent.enroll(join.token)).status, 201);
      return planned('DELETE', `${vm}/providers/OpenMI.Agents/agents/${agent.id}`);
    },
  };
}

const KV = 'Microsoft.KeyVault/vaults';
const SA = 'Microsoft.Storage/storageAccounts';
const CR = 'Microsoft.ContainerRegistry/registries';

function dataServiceCases(): Record<string, WriteCase> {
  const account = () => ({ location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' });
  return {
    ...resourceCases(
      `${RG}/providers/${KV}/{name}`,
      'kv',
      () => ({ location: 'westeurope', properties: { sku: { family: 'A', name: 'standard' } } }),
      inGroup(KV),
    ),
    ...resourceCases(`${RG}/providers/${SA}/{name}`, 'sa', account, inGroup(SA)),
    ...resourceCases(
      `${RG}/providers/${CR}/{name}`,
      'cr',
      () => ({ location: 'westeurope', sku: { name: 'Basic' } }),
      inGroup(CR),
    ),
    ...storageChildCases(account),
    [`POST ${RG}/providers/${SA}/{name}/regenerateKey`]: async (w) => {
      const path = `${w.rg}/providers/${SA}/${w.name('sa')}`;
      await w.ok('PUT', path, account());
      return { method: 'POST', path: `${path}/regenerateKey`, body: { keyName: 'key1' }, resourceId: path };
    },
  };
}

/** Queue and table services and their queues and tables, in a fresh account each. */
function storageChildCases(account: () => Record<string, unknown>): Record<string, WriteCase> {
  const inAccount = async (w: ArmWriter, rest: string) => {
    const path = `${w.rg}/providers/${SA}/${w.name('sa')}`;
    await w.ok('PUT', path, account());
    return `${path}/${rest}`;
  };
  const cors = { properties: { cors: { corsRules: [] } } };
  const out: Record<string, WriteCase> = {};
  for (const [kind, child, body] of [
    ['queue', 'queues', { properties: { metadata: { a: 'b' } } }],
    ['table', 'tables', {}],
  ] as const) {
    const base = `${RG}/providers/${SA}/{name}/${kind}Services/default`;
    const childPath = (w: ArmWriter) => inAccount(w, `${kind}Services/default/${child}/${w.name(kind)}`);
    out[`PUT ${base}`] = async (w) => planned('PUT', await inAccount(w, `${kind}Services/default`), cors);
    out[`PUT ${base}/${child}/{child}`] = async (w) => planned('PUT', await childPath(w), body);
    for (const method of ['PATCH', 'DELETE'])
      out[`${method} ${base}/${child}/{child}`] = async (w) => {
        const path = await childPath(w);
        await w.ok('PUT', path, body);
        return planned(method, path, method === 'PATCH' ? body : undefined);
      };
  }
  return out;
}

function groupCases(): Record<string, WriteCase> {
  return resourceCases(
    '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}',
    'rg',
    () => ({ location: 'westeurope' }),
    (w, name) => `${w.sub}/resourceGroups/${name}`,
  );
}

/**
 * Every control-plane write of the ARM route table, keyed `METHOD pattern` as the table declares
 * it, with how to perform it once against a running server.
 */
export const WRITE_CASES: Readonly<Record<string, WriteCase>> = {
  ...groupCases(),
  ...identityCases(),
  ...computeCases(),
  ...authorizationCases(),
  ...tokenCases(),
  ...agentCases(),
  ...dataServiceCases(),
};

/**
 * POST operations that change nothing (reads, checks, token minting, SAS signing): they log no
 * activity row, as Azure logs none for them. A POST not named here must have a write case.
 */
export const NON_MUTATING_POSTS: readonly string[] = [
  `POST ${RG}/providers/${UAI}/{resourceName}/listAssociatedResources`,
  'POST /providers/OpenMI.Tokens/workloadTokens',
  'POST /providers/OpenMI.Authorization/checkAccess',
  'POST /providers/OpenMI.Audit/verify',
  // A gate's sign-in report is itself a sign-in row, as a token request is: no activity row.
  'POST /providers/OpenMI.Audit/signIns',
  'POST /subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/checkNameAvailability',
  'POST /subscriptions/{subscriptionId}/providers/Microsoft.Storage/checkNameAvailability',
  `POST ${RG}/providers/${SA}/{name}/listKeys`,
  `POST ${RG}/providers/${SA}/{name}/listServiceSas`,
  `POST ${RG}/providers/${SA}/{name}/ListAccountSas`,
];

/** The table's writes: every PUT, PATCH and DELETE, and every POST not listed as non-mutating. */
export function writeOperations(routes: readonly ArmRoute[]): { key: string; action: string }[] {
  const out: { key: string; action: string }[] = [];
  for (const r of routes) {
    for (const [method, op] of Object.entries(r.methods)) {
      const key = `${method} ${r.pattern}`;
      if (method === 'GET' || method === 'HEAD' || NON_MUTATING_POSTS.includes(key)) continue;
      out.push({ key, action: op!.action });
    }
  }
  return out;
}
