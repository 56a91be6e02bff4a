import { randomBytes } from 'node:crypto';

/**
 * ECDSA over a digest the caller computed, as Key Vault's ES256/384/512 sign and verify do
 * (https://learn.microsoft.com/rest/api/keyvault/keys/sign/sign). node:crypto hashes its input
 * itself and has no pre-hashed mode for EC keys, so the curve arithmetic is done here, on the
 * NIST curves of FIPS 186-4 (D.1.2.3-5). Signatures are JWS form: r || s, each curve-size bytes.
 */
interface Curve {
  p: bigint;
  n: bigint;
  g: Point;
  bytes: number;
}
type Point = { x: bigint; y: bigint } | null;

const h = (s: string): bigint => BigInt(`0x${s}`);
export const CURVES: Record<string, Curve> = {
  'P-256': {
    p: h('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
    n: h('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    g: {
      x: h('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
      y: h('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'),
    },
    bytes: 32,
  },
  'P-384': {
    p: h('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff'),
    n: h('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    g: {
      x: h('aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7'),
      y: h('3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f'),
    },
    bytes: 48,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    n: h(
      '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
    g: {
      x: h(
        '00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66',
      ),
      y: h(
        '011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650',
      ),
    },
    bytes: 66,
  },
};

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0, m);
}

/** Affine addition on y² = x³ - 3x + b (every NIST prime curve has a = -3). */
function add(c: Curve, P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  const { p } = c;
  let l: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, p) === 0n) return null;
    l = mod((3n * P.x * P.x - 3n) * inv(2n * P.y, p), p);
  } else {
    l = mod((Q.y - P.y) * inv(Q.x - P.x, p), p);
  }
  const x = mod(l * l - P.x - Q.x, p);
  return { x, y: mod(l * (P.x - x) - P.y, p) };
}

function mul(c: Curve, k: bigint, P: Point): Point {
  let R: Point = null;
  for (let i = BigInt(k.toString(2).length - 1); i >= 0n; i--) {
    R = add(c, R, R);
    if ((k >> i) & 1n) R = add(c, R, P);
  }
  return R;
}

const toInt = (b: Buffer): bigint => (b.length ? BigInt(`0x${b.toString('hex')}`) : 0n);
const toBytes = (v: bigint, len: number): Buffer => Buffer.from(v.toString(16).padStart(len * 2, '0'), 'hex');

/** The digest as an integer, truncated to the order's bit length (SEC 1, 4.1.3 step 5). */
function digestInt(c: Curve, digest: Buffer): bigint {
  const nBits = c.n.toString(2).length;
  const e = toInt(digest);
  const extra = digest.length * 8 - nBits;
  return extra > 0 ? e >> BigInt(extra) : e;
}

export function ecdsaSign(crv: string, d: Buffer, digest: Buffer): Buffer {
  const c = CURVES[crv]!;
  const e = digestInt(c, digest);
  const priv = toInt(d);
  for (;;) {
    // 64 extra bits make the reduction's bias negligible (FIPS 186-4 B.5.1).
    const k = mod(toInt(randomBytes(c.bytes + 8)), c.n - 1n) + 1n;
    const r = mod(mul(c, k, c.g)!.x, c.n);
    const s = mod(inv(k, c.n) * (e + r * priv), c.n);
    if (r !== 0n && s !== 0n) return Buffer.concat([toBytes(r, c.bytes), toBytes(s, c.bytes)]);
  }
}

export function ecdsaVerify(crv: string, x: Buffer, y: Buffer, digest: Buffer, sig: Buffer): boolean {
  const c = CURVES[crv]!;
  if (sig.length !== 2 * c.bytes) return false;
  const r = toInt(sig.subarray(0, c.bytes));
  const s = toInt(sig.subarray(c.bytes));
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const w = inv(s, c.n);
  const e = digestInt(c, digest);
  const X = add(c, mul(c, mod(e * w, c.n), c.g), mul(c, mod(r * w, c.n), { x: toInt(x), y: toInt(y) }));
  return X !== null && mod(X.x, c.n) === r;
}
