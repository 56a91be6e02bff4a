import type { ForgedCase } from './case.js';
import { hmacJws, segment, omit } from './jose.js';
import type { TokenKit } from './kit.js';

/** A valid credential of the kit, split into its three segments. */
function valid(k: TokenKit): [string, string, string] {
  return k.sign(k.header(), k.claims()).split('.') as [string, string, string];
}

const unsigned = (alg: string) => (k: TokenKit) => `${segment({ ...k.header(), alg })}.${segment(k.claims())}.`;

const hs = (alg: 'HS256' | 'HS512', keyForm: 'pem' | 'jwk' | 'der') => (k: TokenKit) => {
  const secret =
    keyForm === 'pem'
      ? String(k.publicKey.export({ type: 'spki', format: 'pem' }))
      : keyForm === 'der'
        ? k.publicKey.export({ type: 'spki', format: 'der' })
        : JSON.stringify(k.publicKey.export({ format: 'jwk' }));
  return hmacJws(alg, secret, { ...k.header(), alg }, k.claims());
};

/** Standard base64 with padding: what a careless encoder produces. */
const toStdBase64 = (s: string) => Buffer.from(s, 'base64url').toString('base64');

/** Encoding, algorithm, key and header forgeries: none gets past the signature. */
export const STRUCTURE_CASES: ForgedCase[] = [
  { name: 'no credential at all', build: () => null },
  { name: 'empty credential', build: () => '' },
  { name: "alg 'none', empty signature", build: unsigned('none') },
  { name: "alg 'None'", build: unsigned('None') },
  { name: "alg 'NONE'", build: unsigned('NONE') },
  {
    name: "alg 'none' keeping a real signature",
    build: (k) => {
      const [, p, s] = valid(k);
      return `${segment({ ...k.header(), alg: 'none' })}.${p}.${s}`;
    },
  },
  { name: 'HS256 keyed with the public key (PEM)', build: hs('HS256', 'pem') },
  { name: 'HS256 keyed with the public key (JWK)', build: hs('HS256', 'jwk') },
  { name: 'HS256 keyed with the public key (DER)', build: hs('HS256', 'der') },
  { name: 'HS512 keyed with the public key (PEM)', build: hs('HS512', 'pem') },
  { name: 'a foreign key under the known kid', build: (k) => k.signForeign(k.header(), k.claims()) },
  {
    name: 'a foreign key under an unknown kid',
    build: (k) => k.signForeign({ ...k.header(), kid: 'forged-kid' }, k.claims()),
  },
  { name: 'no kid (real key)', build: (k) => k.sign(omit(k.header(), 'kid'), k.claims()) },
  { name: 'kid is a number (real key)', build: (k) => k.sign({ ...k.header(), kid: 12345 }, k.claims()) },
  {
    name: 'jku names an attacker JWKS (attacker key and kid)',
    build: (k) => k.signForeign({ ...k.header(), kid: k.attacker.kid, jku: k.attacker.jwksUrl }, k.claims()),
  },
  {
    name: 'x5u names an attacker certificate (known kid)',
    build: (k) => k.signForeign({ ...k.header(), x5u: k.attacker.certUrl }, k.claims()),
  },
  {
    name: 'jwk embeds the attacker key',
    build: (k) => k.signForeign({ ...k.header(), kid: k.attacker.kid, jwk: k.attacker.publicJwk }, k.claims()),
  },
  {
    name: 'x5c carries an attacker certificate (known kid)',
    build: (k) => k.signForeign({ ...k.header(), x5c: [k.attacker.certDer] }, k.claims()),
  },
  {
    name: 'crit names an unknown extension (real key)',
    build: (k) => k.sign({ ...k.header(), crit: ['urn:attacker:ext'], 'urn:attacker:ext': true }, k.claims()),
  },
  { name: 'crit b64=false (real key)', build: (k) => k.sign({ ...k.header(), b64: false, crit: ['b64'] }, k.claims()) },
  {
    name: 'the other algorithm family (RS256 and ES256 swapped), foreign key',
    build: (k) => k.signOtherFamily({ ...k.header(), alg: k.alg === 'RS256' ? 'ES256' : 'RS256' }, k.claims()),
  },
  {
    name: 'a sibling algorithm signed with the real key (PS256 or ES384)',
    build: (k) =>
      k.alg === 'RS256'
        ? k.sign({ ...k.header(), alg: 'PS256' }, k.claims(), 'PS256')
        : k.sign({ ...k.header(), alg: 'ES384' }, k.claims(), 'ES384'),
  },
  {
    name: 'signature stripped',
    build: (k) => {
      const [h, p] = valid(k);
      return `${h}.${p}.`;
    },
  },
  {
    name: 'signature segment missing (two segments)',
    build: (k) => {
      const [h, p] = valid(k);
      return `${h}.${p}`;
    },
  },
  {
    name: "another token's signature",
    build: (k) => {
      const [h, p] = valid(k);
      const other = k.sign(k.header(), { ...k.claims(), exp: Number(k.claims()['exp']) - 1 });
      return `${h}.${p}.${other.split('.')[2]}`;
    },
  },
  {
    name: 'payload tampered (caller changed), signature kept',
    build: (k) => {
      const [h, , s] = valid(k);
      return `${h}.${segment({ ...k.claims(), [k.subjectClaim]: '00000000-0000-4000-8000-000000000001' })}.${s}`;
    },
  },
  {
    name: 'header tampered (typ changed), signature kept',
    build: (k) => {
      const [, p, s] = valid(k);
      return `${segment({ ...k.header(), typ: 'at+jwt' })}.${p}.${s}`;
    },
  },
  { name: "standard base64 ('+', '/', '=') instead of base64url", build: (k) => valid(k).map(toStdBase64).join('.') },
  { name: "base64 padding '=' after the signature", build: (k) => `${valid(k).join('.')}==` },
  {
    name: 'a space inside the token',
    build: (k) => {
      const t = valid(k).join('.');
      return `${t.slice(0, 10)} ${t.slice(10)}`;
    },
  },
  {
    name: 'five segments (a JWE)',
    build: (k) =>
      `${segment({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: k.header()['kid'] })}.${'A'.repeat(342)}.${'B'.repeat(16)}.${segment(k.claims())}.${'C'.repeat(22)}`,
  },
  { name: 'four segments', build: (k) => `${valid(k).join('.')}.${valid(k)[2]}` },
  {
    name: 'header is not JSON',
    build: (k) => {
      const [, p, s] = valid(k);
      return `${segment('{"alg":"RS256",')}.${p}.${s}`;
    },
  },
  { name: 'payload is a JSON array (real key)', build: (k) => k.sign(k.header(), JSON.stringify([k.claims()])) },
  {
    name: 'payload bytes are not UTF-8 (real key)',
    build: (k) => {
      const body = Buffer.concat([
        Buffer.from(`${JSON.stringify(k.claims()).slice(0, -1)},"x":"`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]);
      return k.signInput(`${segment(k.header())}.${body.toString('base64url')}`);
    },
  },
  {
    name: 'the caller named twice in the payload (real key)',
    build: (k) =>
      k.sign(
        k.header(),
        `${JSON.stringify(k.claims()).slice(0, -1)},"${k.subjectClaim}":"00000000-0000-4000-8000-000000000002"}`,
      ),
  },
  {
    name: "alg named twice in the header, 'none' first (real key)",
    build: (k) => k.sign(`{"alg":"none",${JSON.stringify(k.header()).slice(1)}`, k.claims()),
  },
  { name: 'a 4 KiB kid', build: (k) => k.signForeign({ ...k.header(), kid: 'k'.repeat(4096) }, k.claims()) },
  { name: 'a kid outside Latin-1', build: (k) => k.signForeign({ ...k.header(), kid: 'ключ-✓' }, k.claims()) },
  {
    name: 'control characters in the kid',
    build: (k) => k.signForeign({ ...k.header(), kid: 'a\r\nX-Injected: 1' }, k.claims()),
  },
  { name: 'a 4 KiB alg', build: (k) => k.signForeign({ ...k.header(), alg: 'A'.repeat(4096) }, k.claims()) },
  {
    name: 'oversized: just over the 16 KiB token bound (real key)',
    build: (k) => k.sign(k.header(), { ...k.claims(), pad: 'x'.repeat(16 * 1024) }),
    transport: true,
  },
  {
    name: 'oversized: 1 MiB',
    build: (k) => {
      const [h, , s] = valid(k);
      return `${h}.${'A'.repeat(1 << 20)}.${s}`;
    },
    transport: true,
  },
];
