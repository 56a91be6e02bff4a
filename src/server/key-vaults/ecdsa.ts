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

/** Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the point at infinity): one inversion per multiplication, not per step. */
type Jacobian = [bigint, bigint, bigint];

/** dbl-2001-b, for a = -3 like every NIST prime curve (https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3.html). */
function double(p: bigint, [X, Y, Z]: Jacobian): Jacobian {
  if (Z === 0n || Y === 0n) return [0n, 1n, 0n];
  const delta = mod(Z * Z, p);
  const gamma = mod(Y * Y, p);
  const beta = mod(X * gamma, p);
  const alpha = mod(3n * (X - delta) * (X + delta), p);
  const X3 = mod(alpha * alpha - 8n * beta, p);
  const Z3 = mod((Y + Z) * (Y + Z) - gamma - delta, p);
  return [X3, mod(alpha * (4n * beta - X3) - 8n * gamma * gamma, p), Z3];
}

/** add-2007-bl. */
function add(p: bigint, P: Jacobian, Q: Jacobian): Jacobian {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const [X1, Y1, Z1] = P;
  const [X2, Y2, Z2] = Q;
  const z1z1 = mod(Z1 * Z1, p);
  const z2z2 = mod(Z2 * Z2, p);
  const u1 = mod(X1 * z2z2, p);
  const u2 = mod(X2 * z1z1, p);
  const s1 = mod(Y1 * Z2 * z2z2, p);
  const s2 = mod(Y2 * Z1 * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(p, P) : [0n, 1n, 0n];
  const h = u2 - u1;
  const i = mod(4n * h * h, p);
  const j = mod(h * i, p);
  const r = mod(2n * (s2 - s1), p);
  const v = mod(u1 * i, p);
  const X3 = mod(r * r - j - 2n * v, p);
  return [X3, mod(r * (v - X3) - 2n * s1 * j, p), mod(((Z1 + Z2) * (Z1 + Z2) - z1z1 - z2z2) * h, p)];
}

function affine(p: bigint, [X, Y, Z]: Jacobian): Point {
  if (Z === 0n) return null;
  const zi = inv(Z, p);
  const zi2 = mod(zi * zi, p);
  return { x: mod(X * zi2, p), y: mod(Y * zi2 * zi, p) };
}

/** k₁·P₁ + k₂·P₂ in one pass (Shamir's trick); verify needs the sum, sign passes k₂ = 0. */
function mul2(c: Curve, k1: bigint, P1: Point, k2 = 0n, P2: Point = null): Point {
  const j = (P: Point): Jacobian => (P ? [P.x, P.y, 1n] : [0n, 1n, 0n]);
  const [J1, J2] = [j(P1), j(P2)];
  const J12 = add(c.p, J1, J2);
  let R: Jacobian = [0n, 1n, 0n];
  for (let i = BigInt(Math.max(k1.toString(2).length, k2.toString(2).length) - 1); i >= 0n; i--) {
    R = double(c.p, R);
    const b = (((k1 >> i) & 1n) << 1n) | ((k2 >> i) & 1n);
    if (b === 3n) R = add(c.p, R, J12);
    else if (b === 2n) R = add(c.p, R, J1);
    else if (b === 1n) R = add(c.p, R, J2);
  }
  return affine(c.p, R);
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
    const r = mod(mul2(c, k, c.g)!.x, c.n);
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
  const X = mul2(c, mod(e * w, c.n), c.g, mod(r * w, c.n), { x: toInt(x), y: toInt(y) });
  return X !== null && mod(X.x, c.n) === r;
}
