/**
 * Unmodified @azure/keyvault-keys KeyClient and CryptographyClient with DEFAULT options and
 * ManagedIdentityCredential, run under `openmi run`. One JSON command per stdin line, one JSON
 * answer per line, so the test can change role assignments between calls. Byte values travel as
 * base64url.
 */
import { createInterface } from 'node:readline';
import { ManagedIdentityCredential } from '@azure/identity';
import {
  CryptographyClient,
  KeyClient,
  type JsonWebKey,
  type KeyRotationPolicyProperties,
  type KeyVaultKey,
} from '@azure/keyvault-keys';

const credential = new ManagedIdentityCredential();
const client = new KeyClient(process.argv[2]!, credential);

type Cmd = {
  op: string;
  name?: string;
  version?: string;
  kty?: string;
  size?: number;
  crv?: string;
  jwk?: Record<string, string>;
  tags?: Record<string, string>;
  alg?: string;
  data?: string;
  sig?: string;
  policy?: object;
};

const b64 = (u: Uint8Array | undefined): string | undefined => (u ? Buffer.from(u).toString('base64url') : undefined);
const bytes = (s: string | undefined): Uint8Array => Buffer.from(s ?? '', 'base64url');
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 't'] as const;

/** Everything the SDK parsed from the response, the private members included if any were sent. */
function summary(k: KeyVaultKey) {
  const jwk = k.key as JsonWebKey;
  return {
    name: k.name,
    id: k.id,
    version: k.properties.version,
    kty: k.keyType,
    keyOps: k.keyOperations,
    n: b64(jwk.n),
    e: b64(jwk.e),
    crv: jwk.crv,
    x: b64(jwk.x),
    y: b64(jwk.y),
    privateMembers: PRIVATE.filter((m) => (jwk as Record<string, unknown>)[m] !== undefined),
    tags: k.properties.tags,
    enabled: k.properties.enabled,
  };
}

const crypto = (c: Cmd): CryptographyClient =>
  new CryptographyClient(
    `${process.argv[2]!.replace(/\/$/, '')}/keys/${c.name}${c.version ? `/${c.version}` : ''}`,
    credential,
  );

const keyOps: Record<string, (c: Cmd) => Promise<unknown>> = {
  create: async (c) =>
    summary(
      await client.createKey(c.name!, c.kty!, {
        ...(c.size ? { keySize: c.size } : {}),
        ...(c.crv ? { curve: c.crv as 'P-256' } : {}),
      }),
    ),
  import: async (c) => {
    const raw = c.jwk!;
    const jwk: JsonWebKey = { kty: raw['kty'] as 'RSA' };
    for (const [k, v] of Object.entries(raw))
      if (k !== 'kty' && k !== 'crv') (jwk as Record<string, unknown>)[k] = bytes(v);
    if (raw['crv']) jwk.crv = raw['crv'] as 'P-384';
    return summary(await client.importKey(c.name!, jwk));
  },
  get: async (c) => summary(await client.getKey(c.name!, c.version ? { version: c.version } : {})),
  list: async () => {
    const names: string[] = [];
    for await (const p of client.listPropertiesOfKeys()) names.push(p.name);
    return names;
  },
  versions: async (c) => {
    const v: string[] = [];
    for await (const p of client.listPropertiesOfKeyVersions(c.name!)) v.push(p.version!);
    return v.sort();
  },
  update: async (c) => (await client.updateKeyProperties(c.name!, c.version!, { tags: c.tags ?? {} })).properties.tags,
  rotate: async (c) => summary(await client.rotateKey(c.name!)),
  expiresOn: async (c) => (await client.getKey(c.name!)).properties.expiresOn?.toISOString() ?? null,
  getPolicy: async (c) => {
    const p = await client.getKeyRotationPolicy(c.name!);
    return { id: p.id, expiresIn: p.expiresIn, actions: p.lifetimeActions, created: p.createdOn?.toISOString() };
  },
  setPolicy: async (c) => {
    const p = await client.updateKeyRotationPolicy(c.name!, c.policy as KeyRotationPolicyProperties);
    return { expiresIn: p.expiresIn, actions: p.lifetimeActions, updated: p.updatedOn?.toISOString() };
  },
  delete: async (c) =>
    (await (await client.beginDeleteKey(c.name!, { intervalInMs: 50 })).pollUntilDone()).properties.recoveryId,
  getDeleted: async (c) => (await client.getDeletedKey(c.name!)).name,
  listDeleted: async () => {
    const names: string[] = [];
    for await (const d of client.listDeletedKeys()) names.push(d.name);
    return names;
  },
  recover: async (c) =>
    (await (await client.beginRecoverDeletedKey(c.name!, { intervalInMs: 50 })).pollUntilDone()).name,
  purge: async (c) => (await client.purgeDeletedKey(c.name!), 'purged'),
  backup: async (c) => b64(await client.backupKey(c.name!)),
  restore: async (c) => summary(await client.restoreKeyBackup(bytes(c.data))),
};

const cryptoOps: Record<string, (c: Cmd) => Promise<unknown>> = {
  sign: async (c) => b64((await crypto(c).signData(c.alg as 'RS256', bytes(c.data))).result),
  signDigest: async (c) => b64((await crypto(c).sign(c.alg as 'RS256', bytes(c.data))).result),
  verify: async (c) => (await crypto(c).verifyData(c.alg as 'RS256', bytes(c.data), bytes(c.sig))).result,
  encrypt: async (c) =>
    b64((await crypto(c).encrypt({ algorithm: c.alg as 'RSA-OAEP', plaintext: bytes(c.data) })).result),
  decrypt: async (c) =>
    b64((await crypto(c).decrypt({ algorithm: c.alg as 'RSA-OAEP', ciphertext: bytes(c.data) })).result),
  wrap: async (c) => b64((await crypto(c).wrapKey(c.alg as 'RSA-OAEP', bytes(c.data))).result),
  unwrap: async (c) => b64((await crypto(c).unwrapKey(c.alg as 'RSA-OAEP', bytes(c.data))).result),
};
const ops = { ...keyOps, ...cryptoOps };

for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as Cmd;
  let answer: unknown;
  try {
    answer = { ok: true, result: await ops[cmd.op]!(cmd) };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    answer = { ok: false, statusCode: err.statusCode, code: err.code, message: err.message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
