/**
 * The fuzz suite's source of randomness and of hostile values: a seeded generator (a run is
 * repeatable from its seed) and the strings, JSON and tokens an attacker would send.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }

  /** mulberry32: small, fast, and good enough to spread cases. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A length that is usually small and sometimes large: 0–16, 0–300 or 1k–20k characters. */
  length(): number {
    const r = this.next();
    return r < 0.6 ? this.int(17) : r < 0.9 ? this.int(301) : 1000 + this.int(19_000);
  }
}

const FIXED = [
  '',
  ' ',
  'é€😀',
  '\u0000\r\nX-Injected: 1',
  '"\\',
  '\u2028\u2029',
  '%00',
  '%',
  '%zz',
  '%C3%28',
  '%FF%FE',
  '../../etc/passwd',
  '..%2f..%2fadmin',
  '\ud800',
  '\udfff\ud800',
  '<script>alert(1)</script>',
  "'; DROP TABLE x;--",
  '${jndi:ldap://x}',
  '\u007f',
  'ÿ',
  '\ufeff',
  'a'.repeat(300),
  '€'.repeat(2000),
  '\u0000'.repeat(64),
  'null',
  '[]',
  '{}',
  '-1',
  '1e309',
  '0x10',
  'NaN',
  'true',
  '__proto__',
  'constructor',
  'x'.repeat(70_000),
];

const RANGES: Array<[number, number]> = [
  [0x20, 0x7e],
  [0x00, 0x1f],
  [0x80, 0xff],
  [0x100, 0x2fff],
  [0xd800, 0xdfff],
  [0xe000, 0xfffd],
  [0x10000, 0x10ffff],
];

/** A string from the fixed list of known troublemakers, or random code points from hostile ranges. */
export function hostileString(rng: Rng, maxLength = 20_000): string {
  if (rng.chance(0.4)) {
    const s = rng.pick(FIXED);
    return s.length > maxLength ? s.slice(0, maxLength) : s;
  }
  const n = Math.min(rng.length(), maxLength);
  const range = rng.pick(RANGES);
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = rng.chance(0.3) ? rng.pick(RANGES) : range;
    out += String.fromCodePoint(r[0] + rng.int(r[1] - r[0] + 1));
  }
  return out;
}

/** JSON text nested `depth` levels deep, as arrays or objects. */
export function deepJson(rng: Rng, depth: number): string {
  return rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A value of the wrong type or shape for wherever it lands. */
export function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0:
      return hostileString(rng, 4000);
    case 1:
      return rng.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, Number.MAX_SAFE_INTEGER]);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return rng.pick(['location', 'westeurope', 'local', 'Standard_LRS', 'SystemAssigned', 'UserAssigned', 'None']);
    case 5:
      return {};
    case 6:
      return Array.from({ length: rng.int(4) }, () => hostileValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [
          rng.chance(0.5)
            ? hostileString(rng, 40)
            : rng.pick(['location', 'properties', 'tags', 'identity', 'sku', 'value', 'name', 'type']),
          hostileValue(rng, depth + 1),
        ]),
      );
  }
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** A JOSE header an attacker would try: long, non-Latin-1 or control-character kid/alg, odd types, key-injection headers. */
function hostileHeaderJson(rng: Rng, kid: string): string {
  const h: Record<string, unknown> = { alg: 'RS256', kid, typ: 'JWT' };
  switch (rng.int(9)) {
    case 0:
      h['kid'] = hostileString(rng);
      break;
    case 1:
      h['alg'] = hostileString(rng);
      break;
    case 2:
      h['kid'] = rng.pick(['é€😀'.repeat(rng.int(50) + 1), 'a'.repeat(100 + rng.int(8000)), '\u0000\r\n"\\', '…']);
      break;
    case 3:
      h['alg'] = rng.pick(['none', 'HS256', 'ES256', 'RS512', 'PS256', 'é', 'x'.repeat(3000)]);
      break;
    case 4:
      h[rng.pick(['jku', 'x5u', 'jwk', 'x5c', 'crit', 'zip', 'cty'])] = hostileValue(rng);
      break;
    case 5:
      h['kid'] = hostileValue(rng);
      break;
    case 6:
      h['alg'] = hostileValue(rng);
      break;
    case 7:
      return `{"alg":${deepJson(rng, 50 + rng.int(4000))},"kid":"k"}`;
    default:
      h['typ'] = hostileString(rng, 500);
  }
  return JSON.stringify(h);
}

function hostilePayloadJson(rng: Rng, claims: Record<string, unknown>): string {
  const c: Record<string, unknown> = { ...claims };
  for (let i = rng.int(3) + 1; i > 0; i--) {
    const k = rng.pick([
      'iss',
      'aud',
      'tid',
      'oid',
      'sub',
      'exp',
      'nbf',
      'iat',
      'appid',
      'xms_mirid',
      'roles',
      'jti',
      rng.chance(0.5) ? 'x' : hostileString(rng, 30),
    ]);
    c[k] = rng.chance(0.7)
      ? hostileValue(rng)
      : rng.pick([undefined, 0, -1, 9e15, '9999999999', hostileString(rng, 14_000)]);
  }
  return rng.chance(0.05) ? `{"a":${deepJson(rng, 100 + rng.int(3000))}}` : JSON.stringify(c);
}

/** A token shaped like a JWT but hostile in its header, claims, signature or framing. */
export function hostileJwt(rng: Rng, real?: string): string {
  const [rh, rp, rs] = (real ?? '').split('.');
  const realHeader = rh ? (JSON.parse(Buffer.from(rh, 'base64url').toString('utf8')) as { kid?: string }) : {};
  const realClaims = rp
    ? (JSON.parse(Buffer.from(rp, 'base64url').toString('utf8')) as Record<string, unknown>)
    : { iss: 'x', aud: 'y', exp: 4e9 };
  const header = rng.chance(0.7)
    ? b64(hostileHeaderJson(rng, realHeader.kid ?? 'k'))
    : (rh ?? b64('{"alg":"RS256","kid":"k"}'));
  const payload = rng.chance(0.6)
    ? b64(hostilePayloadJson(rng, realClaims))
    : rng.chance(0.2)
      ? b64(rng.bytes(rng.int(200)))
      : (rp ?? b64('{}'));
  const sig = rng.pick([rs ?? '', '', b64(rng.bytes(256)), 'AAAA', b64(rng.bytes(rng.int(600)))]);
  switch (rng.int(12)) {
    case 0:
      return `${header}.${payload}`;
    case 1:
      return `${header}.${payload}.${sig}.${sig}`;
    case 2:
      return `${header}.${payload}.${sig}`.replace(/[A-Za-z]/, '+');
    case 3:
      return `${header}.${payload}.${'A'.repeat(17_000)}`;
    case 4:
      return `${b64(rng.bytes(rng.int(120)))}.${payload}.${sig}`;
    default:
      return `${header}.${payload}.${sig}`;
  }
}
