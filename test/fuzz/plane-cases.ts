import { hostileString, type Rng } from './hostile.js';
import type { Fixtures } from './server-cases.js';
import { authorization, body, chunkSize, extraHeaders, method, rawHeader, segment, type Req } from './wire.js';

function hostFor(rng: Rng, f: Fixtures, name: string, plane: 'vault' | 'blob'): string | Buffer {
  const label = rng.chance(0.8) ? name : rng.chance(0.5) ? `${segment(rng, 'x')}` : `a.b`;
  const h = `${label}.${plane}.${f.zone}${rng.chance(0.8) ? `:${f.serverPort}` : ''}`;
  return rng.chance(0.03)
    ? Buffer.concat([Buffer.from(h), Buffer.from([0xc3, 0xa9, 0xff])])
    : rng.chance(0.05)
      ? h.toUpperCase()
      : h;
}

/** Key Vault secrets on `{vault}.vault.{zone}`: the challenge, RBAC, hostile names, versions and bodies. */
export function vaultCase(rng: Rng, f: Fixtures): Req {
  const name = segment(rng, `s${rng.int(20)}`);
  const path = rng.pick([
    `/secrets/${name}`,
    `/secrets/${name}/${segment(rng, 'abc')}`,
    '/secrets',
    `/deletedsecrets/${name}`,
    `/secrets/${name}/versions`,
    `/${segment(rng, 'keys')}/${name}`,
    '/',
  ]);
  const version = rng.chance(0.9) ? `?api-version=${rng.chance(0.9) ? '7.5' : segment(rng, '7.x')}` : '';
  const maxResults = rng.chance(0.1) ? `&maxresults=${segment(rng, '5')}` : '';
  const m = method(rng, ['GET', 'PUT', 'DELETE', 'PATCH', 'POST']);
  const headers: Array<[string, string | Buffer]> = [
    ['host', hostFor(rng, f, f.vaultName, 'vault')],
    ...extraHeaders(rng),
  ];
  const auth = authorization(rng, f.vaultToken);
  if (auth !== undefined) headers.push(['authorization', auth]);
  const r: Req = { method: m, target: `${path}${version}${maxResults}`, headers };
  if (m !== 'PUT' && m !== 'PATCH' && !rng.chance(0.05)) return r;
  headers.push(['content-type', 'application/json']);
  const doc = () => ({
    value: hostileString(rng, 3000),
    contentType: 'text/plain',
    attributes: { enabled: true, exp: 4e9 },
    tags: { a: 'b' },
  });
  const b = body(rng, doc, f.maxBodyBytes);
  return { ...r, body: b, ...(rng.chance(0.2) ? { chunked: chunkSize(rng, b.length) } : {}) };
}

function blockList(rng: Rng): Buffer {
  return Buffer.from(
    rng.pick([
      '<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>YQ==</Latest></BlockList>',
      '<BlockList><Latest>',
      `<BlockList>${'<Latest>YQ==</Latest>'.repeat(rng.int(5000))}</BlockList>`,
      `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;">]><BlockList><Latest>&b;</Latest></BlockList>`,
      `<BlockList>${'<a>'.repeat(10_000)}</BlockList>`,
      hostileString(rng, 5000),
    ]),
  );
}

/** Blob storage on `{account}.blob.{zone}`: SAS, SharedKey and bearer auth, containers, blobs, blocks and ranges. */
export function blobCase(rng: Rng, f: Fixtures): Req {
  const container = segment(rng, `c${rng.int(5)}`);
  const blob = segment(rng, `b${rng.int(20)}`);
  const [path, query] = rng.pick<[string, string]>([
    ['/', '?comp=list'],
    [`/${container}`, '?restype=container'],
    [`/${container}`, '?restype=container&comp=list'],
    [`/${container}/${blob}`, ''],
    [`/${container}/${blob}`, `?comp=block&blockid=${segment(rng, 'YQ==')}`],
    [`/${container}/${blob}`, '?comp=blocklist'],
    [`/${container}/${blob}/${blob}`, '?comp=properties'],
  ]);
  const sas = rng.chance(0.15)
    ? `${query ? '&' : '?'}sv=${segment(rng, '2024-08-04')}&se=${segment(rng, '2030-01-01T00:00:00Z')}&sp=${segment(rng, 'rwdl')}&sr=${segment(rng, 'c')}&sig=${segment(rng, 'AAAA')}&spr=${segment(rng, 'https')}&sip=${segment(rng, '1.2.3.4-1.2.3.5')}`
    : '';
  const extra = rng.chance(0.1)
    ? `&maxresults=${segment(rng, '5')}&marker=${segment(rng, 'x')}&prefix=${segment(rng, 'b')}&delimiter=${segment(rng, '/')}`
    : '';
  const m = method(rng, ['GET', 'HEAD', 'PUT', 'DELETE']);
  const headers: Array<[string, string | Buffer]> = [
    ['host', hostFor(rng, f, f.accountName, 'blob')],
    [
      'x-ms-version',
      rng.chance(0.85) ? '2025-01-05' : hostileString(rng, 200).replace(/[\r\n\u0000-\u001f\u0100-\uffff]/g, 'x'),
    ],
    ...extraHeaders(rng),
  ];
  if (!sas) {
    const auth = rng.chance(0.2)
      ? `SharedKey ${f.accountName}:${rng.chance(0.5) ? 'AAAA' : hostileString(rng, 100).replace(/[\r\n\u0000-\u001f\u0100-\uffff]/g, 'x')}`
      : authorization(rng, f.storageToken);
    if (auth !== undefined) headers.push(['authorization', auth]);
  }
  if (rng.chance(0.1))
    headers.push([
      rng.pick(['x-ms-range', 'range']),
      rng.pick([
        'bytes=0-',
        'bytes=5-1',
        'bytes=99999999999999999999-',
        'bytes=-5',
        `bytes=${hostileString(rng, 20)}`.replace(/[^\x20-\x7e]/g, ''),
      ]),
    ]);
  if (rng.chance(0.1))
    headers.push([`x-ms-meta-${rng.pick(['a', 'b_c', 'x'.repeat(200)])}`, rawHeader(hostileString(rng, 500))]);
  if (rng.chance(0.1))
    headers.push(
      ['x-ms-blob-type', rng.pick(['BlockBlob', 'PageBlob', 'x'])],
      ['x-ms-blob-content-type', rawHeader(hostileString(rng, 100))],
    );
  const r: Req = { method: m, target: `${path}${query}${sas}${extra}`, headers };
  if (m !== 'PUT') return r;
  const content =
    query === '?comp=blocklist' ? blockList(rng) : body(rng, () => hostileString(rng, 1000), f.maxBodyBytes);
  return { ...r, body: content, ...(rng.chance(0.2) ? { chunked: chunkSize(rng, content.length) } : {}) };
}
