import { hostileJwt, hostileString, hostileValue, type Rng } from './hostile.js';
import { authorization, body, chunkSize, extraHeaders, method, segment, type Req } from './wire.js';

/** What the cases need to know about the installation under test (see targets.ts). */
export interface Fixtures {
  tenantId: string;
  subscriptionId: string;
  zone: string;
  serverPort: number;
  /** The admin's client id (its secret is never fuzzed with). */
  clientId: string;
  armToken: string;
  vaultToken: string;
  storageToken: string;
  gateToken: string;
  vaultName: string;
  accountName: string;
  vmId: string;
  identityClientId: string;
  identityHeader: string;
  maxBodyBytes: number;
}

const host = (f: Fixtures, name = '127.0.0.1') => `${name}:${f.serverPort}`;
const q = (rng: Rng, apiVersion: string) =>
  rng.chance(0.85)
    ? `?api-version=${rng.chance(0.9) ? apiVersion : segment(rng, '2099-01-01')}`
    : rng.pick(['', '?api-version=', '?api-version=a&api-version=b', `?${segment(rng, 'x')}=${segment(rng, 'y')}`]);

function withBody(rng: Rng, r: Req, plausible: () => unknown, limit: number): Req {
  if (!['PUT', 'PATCH', 'POST'].includes(r.method) && !rng.chance(0.05)) return r;
  const b = body(rng, plausible, limit);
  r.headers.push([
    'content-type',
    rng.chance(0.9)
      ? 'application/json'
      : rng.pick(['text/plain', 'application/xml', 'application/json; charset=latin1']),
  ]);
  return { ...r, body: b, ...(rng.chance(0.2) ? { chunked: chunkSize(rng, b.length) } : {}) };
}

function request(rng: Rng, f: Fixtures, m: string, target: string, token: string | undefined, name?: string): Req {
  const headers: Array<[string, string | Buffer]> = [['host', host(f, name)]];
  const auth = authorization(rng, token);
  if (auth !== undefined) headers.push(['authorization', auth]);
  return { method: m, target, headers: [...headers, ...extraHeaders(rng)] };
}

/** ARM: resource paths of every provider openmi serves, plausible bodies with hostile values. Writes go to a scratch group. */
export function armCase(rng: Rng, f: Fixtures): Req {
  const sub = `/subscriptions/${segment(rng, f.subscriptionId)}`;
  const rg = `${sub}/resourceGroups/${segment(rng, rng.chance(0.5) ? 'rg-scratch' : `rg-${rng.int(50)}`)}`;
  const name = segment(rng, `n${rng.int(100)}`);
  const guid = segment(rng, `00000000-0000-0000-0000-${String(rng.int(1e6)).padStart(12, '0')}`);
  const [path, version, doc] = rng.pick<[string, string, () => unknown]>([
    ['/subscriptions', '2022-12-01', () => ({})],
    [sub, '2022-12-01', () => ({})],
    [rg, '2025-04-01', () => ({ location: 'westeurope', tags: { a: 'b' } })],
    [
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
      '2024-11-30',
      () => ({ location: 'westeurope', tags: {} }),
    ],
    [
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}/federatedIdentityCredentials/${name}`,
      '2024-11-30',
      () => ({
        properties: { issuer: 'https://example.com', subject: 's', audiences: ['api://AzureADTokenExchange'] },
      }),
    ],
    [
      `${rg}/providers/Microsoft.Compute/virtualMachines/${name}`,
      '2024-07-01',
      () => ({ location: 'westeurope', identity: { type: 'SystemAssigned' } }),
    ],
    [
      `${rg}/providers/Microsoft.KeyVault/vaults/${name}`,
      '2023-07-01',
      () => ({ location: 'westeurope', properties: { tenantId: f.tenantId, sku: { family: 'A', name: 'standard' } } }),
    ],
    [
      `${rg}/providers/Microsoft.Storage/storageAccounts/${name}`,
      '2023-05-01',
      () => ({ location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }),
    ],
    [
      `${sub}/providers/Microsoft.Authorization/roleAssignments/${guid}`,
      '2022-04-01',
      () => ({
        properties: {
          roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
          principalId: guid,
        },
      }),
    ],
    [
      `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      '2022-04-01',
      () => ({ properties: { roleName: 'r', permissions: [{ actions: ['*'] }], assignableScopes: [sub] } }),
    ],
    [`${rg}/providers/Microsoft.Authorization/roleAssignments`, '2022-04-01', () => ({})],
    [`${f.vmId}/providers/OpenMI.Agents/joinTokens`, '2025-01-01', () => ({ expiresInSeconds: 60 })],
    ['/providers/Microsoft.ManagedIdentity/operations', '2024-11-30', () => ({})],
    ['/providers/OpenMI.Portal/loginLinks', '2025-01-01', () => ({})],
    [`${sub}/providers/Microsoft.Insights/eventtypes/management/values`, '2015-04-01', () => ({})],
    [`${rg}/providers/Microsoft.Authorization/checkAccess`, '2022-04-01', () => ({ actions: ['x'] })],
    [
      `/${segment(rng, 'x')}/${segment(rng, 'providers')}/${segment(rng, 'Microsoft.Fake')}/${name}`,
      '2020-01-01',
      () => ({}),
    ],
    ['/metadata/endpoints', '2022-09-01', () => ({})],
  ]);
  const read = rng.chance(0.6);
  const m = method(rng, read ? ['GET', 'HEAD'] : ['PUT', 'PATCH', 'POST', 'DELETE']);
  // Deletes and writes with the admin's token stay out of the fixtures' group (rg-fixed).
  const token = !read && path.includes('rg-fixed') ? undefined : f.armToken;
  const filter = rng.chance(0.1)
    ? `&$filter=${segment(rng, "principalId eq 'x'")}&$top=${segment(rng, '5')}&$skiptoken=${segment(rng, 'x')}`
    : '';
  return withBody(rng, request(rng, f, m, `${path}${q(rng, version)}${filter}`, token), doc, f.maxBodyBytes);
}

function form(rng: Rng, f: Fixtures, v2: boolean): Buffer {
  const fields: Array<[string, string]> = [
    [
      'grant_type',
      rng.pick([
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        'authorization_code',
        'urn:openmi:params:oauth:grant-type:login-link',
        hostileString(rng, 100),
      ]),
    ],
  ];
  if (rng.chance(0.9))
    fields.push(['client_id', rng.chance(0.6) ? rng.pick([f.clientId, f.identityClientId]) : hostileString(rng, 2000)]);
  if (rng.chance(0.6)) fields.push(['client_secret', hostileString(rng, 300)]);
  if (rng.chance(0.3))
    fields.push(
      ['client_assertion', hostileJwt(rng, f.armToken)],
      ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
    );
  if (rng.chance(0.1)) fields.push(['code', hostileString(rng, 200)]);
  fields.push(
    v2
      ? [
          'scope',
          rng.chance(0.6) ? `${segment(rng, 'https://management.azure.com')}/.default` : hostileString(rng, 1000),
        ]
      : ['resource', rng.chance(0.6) ? 'https://management.azure.com' : hostileString(rng, 1000)],
  );
  const text = fields
    .map(([k, val]) => `${k}=${rng.chance(0.9) ? encodeURIComponent(val.replace(/[\ud800-\udfff]/g, 'x')) : val}`)
    .join('&');
  return rng.chance(0.1)
    ? Buffer.concat([Buffer.from(text), Buffer.from('&client_id=%FF%C3%28&x=%'), rng.bytes(20)])
    : Buffer.from(text, 'utf8');
}

/** The token service: token endpoints (v1, v2) with hostile forms and assertions, discovery, JWKS, the workload issuer. */
export function tokenCase(rng: Rng, f: Fixtures): Req {
  const tenant = rng.chance(0.8) ? f.tenantId : segment(rng, rng.pick(['common', 'organizations', 'x']));
  const path = rng.pick([
    `/${tenant}/oauth2/token`,
    `/${tenant}/oauth2/v2.0/token`,
    `/${tenant}/oauth2/token`,
    `/${tenant}/oauth2/v2.0/token`,
    `/${tenant}/v2.0/.well-known/openid-configuration`,
    `/${tenant}/.well-known/openid-configuration`,
    `/${tenant}/discovery/v2.0/keys`,
    `/${tenant}/discovery/keys`,
    '/openmi/workload/.well-known/openid-configuration',
    '/openmi/workload/keys',
    `/${tenant}/oauth2/${segment(rng, 'authorize')}`,
  ]);
  const isToken = path.endsWith('/token');
  const m = method(rng, isToken ? ['POST', 'POST', 'POST', 'GET'] : ['GET', 'GET', 'HEAD', 'POST']);
  const headers: Array<[string, string | Buffer]> = [['host', host(f)], ...extraHeaders(rng)];
  if (rng.chance(0.1))
    headers.push([
      'authorization',
      authorization(rng, undefined, 'Basic') ??
        `Basic ${Buffer.from(`${hostileString(rng, 50)}:%zz`).toString('base64')}`,
    ]);
  if (m !== 'POST') return { method: m, target: path, headers };
  headers.push([
    'content-type',
    rng.chance(0.9)
      ? 'application/x-www-form-urlencoded'
      : rng.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-16']),
  ]);
  const b = rng.chance(0.05) ? Buffer.alloc(f.maxBodyBytes + 10, 0x61) : form(rng, f, path.includes('v2.0'));
  return {
    method: m,
    target: `${path}${rng.chance(0.05) ? `?${segment(rng, 'x=1')}` : ''}`,
    headers,
    body: b,
    ...(rng.chance(0.2) ? { chunked: chunkSize(rng, b.length) } : {}),
  };
}

/** The Graph slice: servicePrincipals by id and by `$filter`, and the sign-in log, with hostile ids, filters and tokens. */
export function graphCase(rng: Rng, f: Fixtures): Req {
  if (rng.chance(0.3)) {
    const filter = `signInEventTypes/any(t: t eq 'managedIdentity') and appId eq '${f.clientId}' and status/errorCode ne 0`;
    const query = [
      `$filter=${segment(rng, filter)}`,
      `$top=${segment(rng, '5')}`,
      `$skiptoken=${segment(rng, 'djEuNQ')}`,
    ];
    const id = rng.chance(0.2) ? `/${segment(rng, f.clientId)}` : '';
    const path = `/beta/${segment(rng, 'auditLogs')}/signIns${id}?${query.filter(() => rng.chance(0.6)).join('&')}`;
    return request(rng, f, method(rng, ['GET', 'GET', 'POST']), path, f.armToken);
  }
  const id = rng.chance(0.3) ? '' : `/${segment(rng, rng.chance(0.5) ? f.clientId : f.identityClientId)}`;
  const filter = rng.chance(0.4) ? `?$filter=${segment(rng, `appId eq '${f.clientId}'`)}` : '';
  const path = `/${rng.pick(['v1.0', 'beta', 'v1.0'])}/${segment(rng, 'servicePrincipals')}${id}${filter}`;
  return request(rng, f, method(rng, ['GET', 'GET', 'POST', 'DELETE']), path, f.armToken);
}

/** The agent API, as something that is not an enrolled agent: forged assertions, junk enrollments and uploads. */
export function agentApiCase(rng: Rng, f: Fixtures): Req {
  const call = rng.pick(['enroll', 'token', 'signins', 'instance', 'events', 'self', segment(rng, 'x')]);
  const m = method(
    rng,
    call === 'enroll' || call === 'token' || call === 'signins'
      ? ['POST']
      : call === 'self'
        ? ['DELETE']
        : ['GET', 'POST'],
  );
  const headers: Array<[string, string | Buffer]> = [['host', host(f)], ...extraHeaders(rng)];
  if (rng.chance(0.8)) headers.push(['authorization', `OpenMI-Agent ${hostileJwt(rng, f.armToken)}`]);
  const doc = () =>
    call === 'enroll'
      ? {
          joinToken: rng.chance(0.5) ? 'jt.x' : hostileString(rng, 300),
          publicJwk: rng.chance(0.5) ? { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } : hostileValue(rng),
          hostname: hostileString(rng, 300),
        }
      : call === 'signins'
        ? { events: Array.from({ length: rng.int(5) }, () => hostileValue(rng)) }
        : { resource: hostileString(rng, 600), selector: hostileValue(rng) };
  const r: Req = { method: m, target: `/openmi/agent/v1/${call}`, headers };
  return m === 'POST'
    ? { ...r, headers: [...headers, ['content-type', 'application/json']], body: body(rng, doc, 64 * 1024) }
    : r;
}

/** The portal's static files (traversal, encodings, odd names) and the ops endpoints. */
export function portalOpsCase(rng: Rng, f: Fixtures): Req {
  if (rng.chance(0.5)) {
    const path = rng.pick(['/healthz', '/readyz', '/metrics', '/HEALTHZ', '/healthz/', '/metrics?x=1']);
    return withBody(rng, request(rng, f, method(rng, ['GET', 'HEAD', 'POST']), path, undefined), () => ({}), 1024);
  }
  const rest = rng.pick([
    '',
    'index.html',
    'assets/x.js',
    `assets/${segment(rng, 'a.css')}`,
    segment(rng, '..%2f..%2fpackage.json'),
    '%2e%2e/%2e%2e/etc/passwd',
    'assets/..%5c..%5cx.js',
    `${segment(rng, 'x')}/${segment(rng, 'y')}`,
  ]);
  const r = request(rng, f, method(rng, ['GET', 'HEAD']), rng.chance(0.1) ? '/' : `/portal/${rest}`, undefined);
  r.headers.push(['accept', rng.chance(0.5) ? 'text/html' : '*/*']);
  return r;
}
