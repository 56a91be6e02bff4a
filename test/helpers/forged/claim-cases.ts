import type { ForgedCase } from './case.js';
import { omit } from './jose.js';
import type { TokenKit } from './kit.js';

const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';
const NO_TENANT = 'assertions carry no tenant: the token endpoint path (federation) or the agent key (agents) binds it';

const nowS = () => Math.floor(Date.now() / 1000);

/** The kit's valid claims with `over` applied, re-signed with the real key: only `over` is wrong. */
const resigned = (over: (k: TokenKit, c: Record<string, unknown>) => Record<string, unknown>) => (k: TokenKit) => {
  const c = k.claims();
  return k.sign(k.header(), { ...c, ...over(k, c) });
};
/** Lifetime claims `seconds` away from now (iat and nbf at now unless given). */
const lifetime = (fields: Record<string, number>) =>
  resigned(() => {
    const now = nowS();
    return Object.fromEntries(Object.entries(fields).map(([name, offset]) => [name, now + offset]));
  });

const toggleSlash = (iss: string) => (iss.endsWith('/') ? iss.slice(0, -1) : `${iss}/`);

/** Claim forgeries, signed with the real key so they reach the claim checks; and real credentials of the wrong kind. */
export const CLAIM_CASES: ForgedCase[] = [
  { name: 'aud is a number (real key)', build: resigned(() => ({ aud: 12345 })) },
  { name: 'aud is an object (real key)', build: resigned((k) => ({ aud: { value: k.audience } })) },
  { name: 'aud is an array of arrays (real key)', build: resigned((k) => ({ aud: [[k.audience]] })) },
  { name: 'aud array with a non-string member (real key)', build: resigned((k) => ({ aud: [k.audience, 7] })) },
  { name: 'aud in another letter case (real key)', build: resigned((k) => ({ aud: k.audience.toUpperCase() })) },
  { name: 'a valid credential for another audience', build: (k) => k.otherAudienceToken() },
  { name: 'exp is a string (real key)', build: resigned((_k, c) => ({ exp: String(c['exp']) })) },
  { name: 'nbf is a string (real key)', build: resigned(() => ({ nbf: String(nowS()) })) },
  { name: 'iat is a string (real key)', build: resigned(() => ({ iat: String(nowS()) })) },
  { name: 'exp missing (real key)', build: (k) => k.sign(k.header(), omit(k.claims(), 'exp')) },
  {
    name: 'exp overflows to Infinity (1e400, real key)',
    build: (k) => k.sign(k.header(), `${JSON.stringify(omit(k.claims(), 'exp')).slice(0, -1)},"exp":1e400}`),
  },
  { name: 'the caller claim is a number (real key)', build: resigned((k) => ({ [k.subjectClaim]: 42 })) },
  { name: 'the caller claim missing (real key)', build: (k) => k.sign(k.header(), omit(k.claims(), k.subjectClaim)) },
  {
    name: 'iss of someone else (another tenant, issuer or agent; real key)',
    build: resigned((k) => ({ iss: k.foreignIssuer })),
  },
  {
    name: 'iss with its trailing slash toggled (v1 and v2 spellings; real key)',
    build: resigned((k) => ({ iss: toggleSlash(k.issuer) })),
  },
  { name: "iss with '/' appended (real key)", build: resigned((k) => ({ iss: `${k.issuer}/` })) },
  { name: 'iss upper-cased (real key)', build: resigned((k) => ({ iss: k.issuer.toUpperCase() })) },
  {
    name: "iss of openmi's other issuer (tenant and workload swapped; real key)",
    build: resigned((k) => ({ iss: k.siblingIssuer })),
  },
  {
    name: 'tid of another tenant (real key)',
    build: resigned(() => ({ tid: OTHER_TENANT })),
    notFor: { workload: NO_TENANT, agent: NO_TENANT },
  },
  {
    name: 'tid missing (real key)',
    build: (k) => k.sign(k.header(), omit(k.claims(), 'tid')),
    notFor: { workload: NO_TENANT, agent: NO_TENANT },
  },
  {
    name: 'iss and tid of another tenant (real key)',
    build: resigned((k) => ({ tid: OTHER_TENANT, iss: k.foreignIssuer })),
    notFor: { workload: NO_TENANT, agent: NO_TENANT },
  },
  { name: 'expired an hour ago (real key)', build: lifetime({ iat: -7200, nbf: -7200, exp: -3600 }) },
  // exp = now itself is inside the documented skew (tokens/jwt/verify.ts), so the edge is exp = now - skew.
  {
    name: 'exp = now - skew, the first refused second (real key)',
    build: (k) => lifetime({ iat: -120 - k.skewSeconds, nbf: -120 - k.skewSeconds, exp: -k.skewSeconds })(k),
  },
  // nbf = now + skew + 1 is the first refused second; +3 leaves slack for the round trip crossing a second.
  {
    name: 'nbf = now + skew + 3 s, just beyond the skew (real key)',
    build: (k) => lifetime({ nbf: k.skewSeconds + 3, exp: k.skewSeconds + 120 })(k),
  },
  { name: 'not yet valid: nbf an hour ahead (real key)', build: lifetime({ nbf: 3600, exp: 7200 }) },
  {
    name: 'iat beyond now + skew (escapes revocation; real key)',
    build: (k) => lifetime({ iat: k.skewSeconds + 60, exp: k.skewSeconds + 120 })(k),
  },
  {
    name: 'revoked: issued before revokeTokens (or, for agents, before the agent removed itself)',
    build: (k) => k.special.revoked!(),
    notFor: {
      workload:
        'revokeTokens revokes the tokens openmi issued to an identity; a workload assertion is the external credential, and its exchange after a revocation rightly yields a fresh token',
    },
  },
  { name: 'deleted identity (or the agent of a deleted resource)', build: (k) => k.special.deletedIdentity() },
  {
    name: 'the portal token (login-link grant)',
    build: (k) => k.special.portalToken(),
    notFor: {
      arm: 'the portal token is an ARM token: ARM accepts it by design (portal-login.test.ts)',
      graph: 'Graph accepts ARM tokens for its read-only directory slice, the portal token among them',
    },
  },
  { name: 'a login-link code presented as the credential', build: (k) => k.special.loginLinkCode() },
  {
    name: "a token from openmi's workload issuer ('openmi workload-token')",
    build: (k) => k.special.workloadToken(),
    notFor: { workload: 'it is what the token service exchanges: the positive control there' },
  },
  {
    name: 'an openmi access token where an assertion is expected',
    build: (k) => k.special.accessToken(),
    notFor: { access: 'it is what these verifiers accept: their positive control' },
  },
];
