import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { jws, parts, signature, type Json, type SigningAlg } from './jose.js';
import type { AttackerKeys, SpecialTokens, TokenKit } from './kit.js';

/** Keys no verifier has ever seen: one RSA (also the attacker's certificate key) and one EC P-256. */
export interface ForeignKeys {
  rsa: KeyObject;
  ec: KeyObject;
  attacker: Omit<AttackerKeys, 'publicJwk'>;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

function signers(alg: 'RS256' | 'ES256', key: KeyObject, foreign: ForeignKeys) {
  const own = foreign[alg === 'RS256' ? 'rsa' : 'ec'];
  const other = foreign[alg === 'RS256' ? 'ec' : 'rsa'];
  return {
    sign: (h: Json, p: Json, a: SigningAlg = alg) => jws(a, key, h, p),
    signInput: (input: string, a: SigningAlg = alg) => `${input}.${signature(a, key, input)}`,
    signForeign: (h: Json, p: Json) => jws(alg, own, h, p),
    signOtherFamily: (h: Json, p: Json) => jws(alg === 'RS256' ? 'ES256' : 'RS256', other, h, p),
    attacker: { ...foreign.attacker, publicJwk: createPublicKey(own).export({ format: 'jwk' }) },
  };
}

/** An openmi access token verifier (ARM, Graph, Key Vault, Blob, the gate), from a real token of its audience. */
export function accessKit(o: {
  serverKey: KeyObject;
  real: string;
  audience: string;
  tenantId: string;
  baseUrl: string;
  workloadIssuer: string;
  otherAudienceToken: string;
  foreign: ForeignKeys;
  special: SpecialTokens;
}): TokenKit {
  const { header, claims } = parts(o.real);
  return {
    family: 'access',
    alg: 'RS256',
    ...signers('RS256', o.serverKey, o.foreign),
    header: () => ({ ...header }),
    claims: () => ({ ...claims }),
    publicKey: createPublicKey(o.serverKey),
    subjectClaim: 'oid',
    skewSeconds: 30,
    issuer: String(claims['iss']),
    foreignIssuer: `${o.baseUrl}/11111111-2222-4333-8444-555555555555/`,
    siblingIssuer: o.workloadIssuer,
    audience: o.audience,
    otherAudienceToken: () => o.otherAudienceToken,
    special: o.special,
  };
}

/** The token service's federated exchange: assertions of openmi's workload issuer for one federated credential. */
export function workloadKit(o: {
  serverKey: KeyObject;
  real: string;
  subject: string;
  tenantIssuer: string;
  otherAudienceToken: string;
  foreign: ForeignKeys;
  special: SpecialTokens;
}): TokenKit {
  const { header, claims } = parts(o.real);
  return {
    family: 'workload',
    alg: 'RS256',
    ...signers('RS256', o.serverKey, o.foreign),
    header: () => ({ ...header }),
    claims: () => {
      const now = nowSeconds();
      return {
        iss: claims['iss'],
        sub: o.subject,
        aud: claims['aud'],
        iat: now,
        nbf: now,
        exp: now + 600,
        jti: randomUUID(),
      };
    },
    publicKey: createPublicKey(o.serverKey),
    subjectClaim: 'sub',
    skewSeconds: 300,
    issuer: String(claims['iss']),
    foreignIssuer: 'https://issuer.attacker.example',
    siblingIssuer: o.tenantIssuer,
    audience: String(claims['aud']),
    otherAudienceToken: () => o.otherAudienceToken,
    special: o.special,
  };
}

/** The agent API: ES256 assertions an enrolled agent signs with its own key. */
export function agentKit(o: {
  agentId: string;
  agentKey: KeyObject;
  audience: string;
  armAudience: string;
  tenantIssuer: string;
  foreign: ForeignKeys;
  special: SpecialTokens;
}): TokenKit {
  const s = signers('ES256', o.agentKey, o.foreign);
  const claims = () => {
    const now = nowSeconds();
    return { iss: o.agentId, sub: o.agentId, aud: o.audience, iat: now, exp: now + 120, jti: randomUUID() };
  };
  const header = () => ({ alg: 'ES256', typ: 'JWT', kid: o.agentId });
  return {
    family: 'agent',
    alg: 'ES256',
    ...s,
    header,
    claims,
    publicKey: createPublicKey(o.agentKey),
    subjectClaim: 'sub',
    skewSeconds: 60,
    issuer: o.agentId,
    foreignIssuer: randomUUID(),
    siblingIssuer: o.tenantIssuer,
    audience: o.audience,
    otherAudienceToken: () => s.sign(header(), { ...claims(), aud: o.armAudience }),
    special: o.special,
  };
}

export function foreignKeys(attacker: Omit<AttackerKeys, 'publicJwk'>, rsa: KeyObject): ForeignKeys {
  return { rsa, ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, attacker };
}
