import { hostileString, type Rng } from './hostile.js';
import type { Fixtures } from './server-cases.js';
import { authorization, body, chunkSize, extraHeaders, method, rawHeader, segment, type Req } from './wire.js';

/** IMDS and App Service token parameters as a confused or hostile workload sends them. */
function tokenQuery(rng: Rng, f: Fixtures, apiVersion: string): string {
  const params: string[] = [];
  if (rng.chance(0.9)) params.push(`api-version=${rng.chance(0.85) ? apiVersion : segment(rng, '2018-02-01')}`);
  if (rng.chance(0.9))
    params.push(
      `resource=${rng.chance(0.5) ? encodeURIComponent(rng.pick(['https://management.azure.com/', 'https://vault.azure.net', 'api://fuzz'])) : segment(rng, 'https://x')}`,
    );
  if (rng.chance(0.3))
    params.push(
      `${rng.pick(['client_id', 'object_id', 'msi_res_id', 'mi_res_id', 'principal_id'])}=${rng.chance(0.5) ? f.identityClientId : segment(rng, 'x')}`,
    );
  if (rng.chance(0.05)) params.push(`resource=${encodeURIComponent('\u0000\r\n')}`, `api-version=${'9'.repeat(5000)}`);
  if (rng.chance(0.05)) params.push(`resource=%0d%0aX-Injected:%201`);
  return params.join('&');
}

/** The agent's metadata endpoints: IMDS token and instance, App Service (2019 and 2017), Cloud Shell. */
export function metadataCase(rng: Rng, f: Fixtures): Req {
  const which = rng.int(6);
  const headers: Array<[string, string | Buffer]> = [
    ['host', rng.chance(0.9) ? '127.0.0.1' : rawHeader(hostileString(rng, 300))],
    ...extraHeaders(rng),
  ];
  if (rng.chance(0.85)) headers.push(['metadata', rng.chance(0.9) ? 'true' : rawHeader(hostileString(rng, 20))]);
  if (rng.chance(0.05))
    headers.push([
      rng.pick(['x-forwarded-for', 'forwarded', 'origin', 'sec-fetch-site']),
      rng.pick(['10.0.0.1', 'https://evil.example', 'cross-site']),
    ]);
  if (which === 0 || which === 1) {
    const m = method(rng, ['GET', 'GET', 'POST']);
    return { method: m, target: `/metadata/identity/oauth2/token?${tokenQuery(rng, f, '2018-02-01')}`, headers };
  }
  if (which === 2)
    return { method: method(rng, ['GET']), target: `/metadata/instance?${tokenQuery(rng, f, '2021-02-01')}`, headers };
  if (which === 3) {
    const legacy = rng.chance(0.3);
    headers.push([
      legacy ? 'secret' : 'x-identity-header',
      rng.chance(0.6) ? f.identityHeader : rawHeader(hostileString(rng, 500)),
    ]);
    return {
      method: method(rng, ['GET']),
      target: `/msi/token?${tokenQuery(rng, f, legacy ? '2017-09-01' : '2019-08-01')}`,
      headers,
    };
  }
  if (which === 4) {
    const form = () =>
      `resource=${segment(rng, 'https%3A%2F%2Fmanagement.azure.com%2F')}${rng.chance(0.3) ? `&client_id=${segment(rng, f.identityClientId)}` : ''}`;
    const b = rng.chance(0.7) ? Buffer.from(form()) : body(rng, () => ({}), 64 * 1024);
    return {
      method: 'POST',
      target: '/msi/token',
      headers: [...headers, ['content-type', 'application/x-www-form-urlencoded']],
      body: b,
      ...(rng.chance(0.2) ? { chunked: chunkSize(rng, b.length) } : {}),
    };
  }
  return {
    method: method(rng, ['GET', 'DELETE', 'PUT']),
    target: `/${segment(rng, 'metadata')}/${segment(rng, 'x')}`,
    headers,
  };
}

/** The gate: paths that try to get around the rules, spoofed identity headers, hostile tokens, bodies for the upstream. */
export function gateCase(rng: Rng, f: Fixtures): Req {
  const path = rng.pick([
    '/orders/1',
    '/admin/x',
    '//admin/x',
    '/%61dmin/x',
    '/x/..%2fadmin/x',
    '/public/..%2fadmin%2fx',
    `/${segment(rng, 'orders')}/${segment(rng, '1')}`,
    '/',
    `/orders/${'a/'.repeat(rng.int(2000))}`,
  ]);
  const m = method(rng, ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']);
  const headers: Array<[string, string | Buffer]> = [['host', '127.0.0.1'], ...extraHeaders(rng)];
  const auth = authorization(rng, f.gateToken);
  if (auth !== undefined) headers.push(['authorization', auth]);
  if (rng.chance(0.1))
    headers.push(['x-openmi-principal-id', 'spoofed'], ['x-openmi-client-id', rawHeader(hostileString(rng, 100))]);
  const r: Req = { method: m, target: `${path}${rng.chance(0.1) ? `?${segment(rng, 'q=1')}` : ''}`, headers };
  if (m !== 'POST' && m !== 'PUT') return r;
  const b = body(rng, () => ({ a: 1 }), 256 * 1024);
  return {
    ...r,
    headers: [...headers, ['content-type', 'application/json']],
    body: b,
    ...(rng.chance(0.3) ? { chunked: chunkSize(rng, b.length) } : {}),
  };
}
