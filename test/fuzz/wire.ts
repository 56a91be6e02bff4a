import { deepJson, hostileJwt, hostileString, hostileValue, type Rng } from './hostile.js';

/** One fuzz request, before it becomes bytes. Header values may be raw bytes (invalid UTF-8, non-Latin-1). */
export interface Req {
  method: string;
  target: string;
  headers: Array<[string, string | Buffer]>;
  body?: Buffer;
  /** Send the body chunked, in chunks of this size. */
  chunked?: number;
}

/** What the runner sends: the bytes, how to read the answer, and whether it needs a connection of its own. */
export interface Case {
  target: 'server' | 'agent' | 'gate';
  surface: string;
  method: string;
  bytes: Buffer;
  /** Malformed framing: sent on a fresh connection that the server may close without answering. */
  fresh?: boolean;
  /** Half-close after writing (the request is deliberately incomplete). */
  halfClose?: boolean;
  /** Plain TCP to a TLS listener. */
  plaintext?: boolean;
}

const ODD_METHODS = [
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'LOCK',
  'M-SEARCH',
  'PURGE',
  'SEARCH',
  'REPORT',
  'LINK',
  'SOURCE',
  'QUERY',
  'CONNECT',
];

/** Mostly the surface's own methods, sometimes any method Node's parser knows. */
export function method(rng: Rng, usual: readonly string[]): string {
  return rng.chance(0.9) ? rng.pick(usual) : rng.pick(ODD_METHODS);
}

export function serialize(r: Req): Buffer {
  const lines: Buffer[] = [Buffer.from(`${r.method} ${r.target} HTTP/1.1\r\n`, 'latin1')];
  for (const [k, v] of r.headers)
    lines.push(
      Buffer.from(`${k}: `, 'latin1'),
      typeof v === 'string' ? Buffer.from(v, 'latin1') : v,
      Buffer.from('\r\n'),
    );
  const body = r.body ?? Buffer.alloc(0);
  if (r.chunked) {
    lines.push(Buffer.from('transfer-encoding: chunked\r\n\r\n'), chunkedBody(body, r.chunked));
  } else {
    if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(r.method))
      lines.push(Buffer.from(`content-length: ${body.length}\r\n`));
    lines.push(Buffer.from('\r\n'), body);
  }
  return Buffer.concat(lines);
}

/** The body in chunks of `size`, written straight into one buffer (a 4 MiB body in 1-byte chunks is 4 M chunks). */
function chunkedBody(body: Buffer, size: number): Buffer {
  const n = Math.ceil(body.length / size);
  const out = Buffer.alloc(n * (size.toString(16).length + 4) + body.length + 5);
  let at = 0;
  for (let i = 0; i < body.length; i += size) {
    const len = Math.min(size, body.length - i);
    at += out.write(`${len.toString(16)}\r\n`, at, 'latin1');
    at += body.copy(out, at, i, i + len);
    at += out.write('\r\n', at, 'latin1');
  }
  at += out.write('0\r\n\r\n', at, 'latin1');
  return out.subarray(0, at);
}

/** Chunk sizes: any for small bodies; for large ones mostly realistic, rarely the 1-byte chunks that cost a server most. */
export function chunkSize(rng: Rng, bodyLength: number): number {
  if (bodyLength <= 64 * 1024 || rng.chance(0.02)) return rng.pick([1, 3, 7, 100, 1024, 16_384]);
  return rng.pick([4096, 16_384, 65_536]);
}

/** A path segment: usually plausible, sometimes hostile (percent-encoded as a client would, or raw). */
export function segment(rng: Rng, plausible: string): string {
  if (rng.chance(0.7)) return plausible;
  const s = hostileString(rng, rng.chance(0.9) ? 200 : 9000);
  return rng.chance(0.85)
    ? encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))
    : s.replace(/[\s\u0000-\u001f\u007f-\uffff]/g, '%');
}

/** A request body as an attacker sends it: bad JSON, deep nesting, invalid UTF-8, huge, or plausible JSON with hostile values. */
export function body(rng: Rng, plausible: () => unknown, limit: number): Buffer {
  switch (rng.int(14)) {
    case 0:
      return Buffer.from('{"location": "x",', 'utf8');
    case 1:
      return Buffer.from(deepJson(rng, rng.pick([65, 1000, 100_000])));
    case 2:
      return Buffer.concat([
        Buffer.from('{"location":"'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]);
    case 3:
      return rng.chance(0.3) ? Buffer.alloc(limit + 1 + rng.int(1024), 0x20) : Buffer.alloc(rng.int(256 * 1024), 0x7b);
    case 4:
      return rng.bytes(rng.int(2000));
    case 5:
      return Buffer.from(JSON.stringify(hostileValue(rng)));
    case 6:
      return Buffer.alloc(0);
    case 7:
      return Buffer.from(`{"a":"${'\\u0000'.repeat(1000)}","__proto__":{"x":1},"constructor":{"prototype":{"y":1}}}`);
    case 8:
      return Buffer.from(JSON.stringify(plausible()));
    default:
      return Buffer.from(JSON.stringify(mutate(rng, plausible())));
  }
}

/** A plausible document with one to three values replaced by hostile ones, at any depth. */
function mutate(rng: Rng, doc: unknown): unknown {
  if (doc === null || typeof doc !== 'object' || rng.chance(0.15)) return rng.chance(0.5) ? hostileValue(rng) : doc;
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ({ ...doc } as Record<string, unknown>)
    : { ...(doc as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || rng.chance(0.2)) copy[hostileString(rng, 50)] = hostileValue(rng);
  else {
    const k = rng.pick(keys);
    copy[k] = rng.chance(0.5) ? mutate(rng, copy[k]) : hostileValue(rng);
  }
  return Array.isArray(doc) ? Object.values(copy) : copy;
}

/** Authorization as an attacker sends it; `valid` is a real token the server would accept. */
export function authorization(rng: Rng, valid: string | undefined, scheme = 'Bearer'): string | undefined {
  switch (rng.int(10)) {
    case 0:
      return undefined;
    case 1:
      return `${scheme} ${hostileJwt(rng, valid)}`;
    case 2:
      return rng.pick([
        'Bearer',
        'Bearer ',
        'bearer  x',
        'Basic ',
        `Basic ${Buffer.from(hostileString(rng, 300)).toString('base64')}`,
        'Basic %%%',
        'SharedKey a:b',
        'OpenMI-Agent x.y.z',
        'Negotiate x',
      ]);
    case 3:
      return `${scheme} ${hostileJwt(rng, valid)}`;
    case 4:
      return `${scheme} ${hostileJwt(rng, valid)}`;
    default:
      return valid !== undefined && rng.chance(0.8) ? `${scheme} ${valid}` : `${scheme} ${hostileJwt(rng, valid)}`;
  }
}

/** A header value as raw UTF-8 bytes (non-Latin-1 text arrives like this), with the line-breaking control bytes replaced. */
export function rawHeader(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  for (let i = 0; i < b.length; i++) if (b[i]! < 0x20 && b[i] !== 0x09) b[i] = 0x3f;
  return b;
}

/** Extra headers that stress parsing and echoing: non-Latin-1 bytes, long values, duplicates, id echoes. */
export function extraHeaders(rng: Rng): Array<[string, string | Buffer]> {
  const out: Array<[string, string | Buffer]> = [];
  if (rng.chance(0.15))
    out.push([
      'x-ms-client-request-id',
      rng.chance(0.5) ? rawHeader(hostileString(rng, 200)) : 'a'.repeat(rng.pick([127, 128, 129, 4000])),
    ]);
  if (rng.chance(0.1)) out.push(['x-ms-correlation-request-id', rawHeader(hostileString(rng, 300))]);
  if (rng.chance(0.05)) out.push(['x-long', 'v'.repeat(rng.pick([1000, 20_000, 40_000]))]);
  if (rng.chance(0.05)) for (let i = 0; i < rng.pick([50, 500, 2100]); i++) out.push([`x-h${i}`, 'v']);
  if (rng.chance(0.05)) out.push(['expect', '100-continue']);
  if (rng.chance(0.05))
    out.push([
      'content-type',
      rng.pick([
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        '',
        'multipart/form-data; boundary=x',
      ]),
    ]);
  if (rng.chance(0.03))
    out.push(['accept-encoding', 'gzip, br, deflate'], ['connection', rng.pick(['keep-alive', 'upgrade', 'x'])]);
  return out;
}
