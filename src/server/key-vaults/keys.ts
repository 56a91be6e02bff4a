import type { JsonWebKey } from 'node:crypto';
import { seal, unseal } from '../../kernel/sealing.js';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { KeyVaultRecord } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';
import {
  decrypt,
  encrypt,
  generateKey,
  importKey,
  keyTypeOf,
  publicPart,
  sign,
  verify,
  type PublicJwk,
} from './key-crypto.js';
import { applyAttributes, newVersion, VaultObjects, type ObjectAttributes, type Versioned } from './objects.js';

/** The public document of a key version; the private JWK is sealed beside it, never in here. */
export interface KeyDoc extends ObjectAttributes {
  /** As requested: `RSA-HSM` keys answer as `RSA-HSM` though their material is software. */
  kty: string;
  jwk: PublicJwk;
  keyOps: string[];
  /** The backing key of a certificate: Key Vault manages it (`managed: true` on the wire). */
  managed: boolean;
}
export type KeyVersion = Versioned<KeyDoc>;

/** A create, import, rotate or update body (https://learn.microsoft.com/rest/api/keyvault/keys). */
export interface KeyInput {
  kty?: unknown;
  key_size?: unknown;
  crv?: unknown;
  key_ops?: unknown;
  attributes?: unknown;
  tags?: unknown;
  key?: unknown;
}

/** A sign, verify, encrypt, decrypt, wrapkey or unwrapkey body; byte values are base64url. */
export interface KeyOperationInput {
  alg?: unknown;
  value?: unknown;
  digest?: unknown;
}

export const KEY_OPERATIONS = ['sign', 'verify', 'encrypt', 'decrypt', 'wrapkey', 'unwrapkey'] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];
/** The key_ops entry each operation needs (JWK names, RFC 7517 4.3). */
const OP_NAME: Record<KeyOperation, string> = {
  sign: 'sign',
  verify: 'verify',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  wrapkey: 'wrapKey',
  unwrapkey: 'unwrapKey',
};
const ALL_OPS: Record<'RSA' | 'EC', string[]> = {
  RSA: ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
  EC: ['sign', 'verify'],
};

/** Binds a backup blob to its purpose: a sealed key row cannot be passed off as a backup, nor the reverse. */
const BACKUP_AAD = 'keyvault-key-backup';
const aadOf = (vaultId: string, name: string, version: string): string =>
  `keyvault-key:${vaultId.toLowerCase()}/${name.toLowerCase()}/${version}`;

const bytes = (v: unknown, what: string): Buffer => {
  if (typeof v !== 'string') throw new KeyVaultError('BadParameter', `'${what}' must be base64url.`);
  return Buffer.from(v, 'base64url');
};

function keyOpsOf(input: unknown, kty: 'RSA' | 'EC'): string[] {
  if (input === undefined || input === null) return ALL_OPS[kty];
  if (!Array.isArray(input) || !input.every((o) => typeof o === 'string' && ALL_OPS[kty].includes(o)))
    throw new KeyVaultError(
      'BadParameter',
      `'key_ops' must list operations of ${kty} keys: ${ALL_OPS[kty].join(', ')}.`,
    );
  return [...(input as string[])];
}

/** Keys of one vault: Key Vault's rules over the store; private JWKs sealed under the master key. */
export class KeyService {
  readonly objects: VaultObjects<KeyDoc>;
  constructor(
    store: Store,
    private readonly masterKey: Buffer,
    clock: Clock,
  ) {
    this.objects = new VaultObjects<KeyDoc>(store, (s) => s.keyVaultKeys, clock, 'key');
  }

  create(v: KeyVaultRecord, name: string, input: KeyInput): Promise<KeyVersion> {
    const kty = keyTypeOf(input.kty);
    return this.store(v, name, String(input.kty), generateKey(kty, input.key_size, input.crv), input);
  }

  import(v: KeyVaultRecord, name: string, input: KeyInput): Promise<KeyVersion> {
    const jwk = (input.key ?? {}) as { kty?: unknown; key_ops?: unknown };
    return this.store(v, name, String(jwk.kty), importKey(input.key), {
      ...input,
      key_ops: input.key_ops ?? jwk.key_ops,
    });
  }

  /**
   * A new version with the same type, size or curve, operations and tags as the latest one;
   * `expires` (ms) comes from the rotation policy's expiryTime when it has one (key-rotation.ts).
   */
  async rotate(v: KeyVaultRecord, name: string, expires?: number): Promise<KeyVersion> {
    const { doc } = await this.objects.get(v, name);
    const size = doc.jwk.n ? Buffer.from(doc.jwk.n, 'base64url').length * 8 : undefined;
    const jwk = generateKey(doc.jwk.kty, size, doc.jwk.crv);
    const attributes = expires === undefined ? undefined : { exp: Math.floor(expires / 1000) };
    return this.store(v, name, doc.kty, jwk, { key_ops: doc.keyOps, tags: doc.tags, attributes });
  }

  /** Used by certificates for their backing key, whose material they generate. */
  async store(
    v: KeyVaultRecord,
    name: string,
    kty: string,
    priv: JsonWebKey,
    input: KeyInput,
    managed = false,
    version = newVersion(),
  ): Promise<KeyVersion> {
    const jwk = publicPart(priv);
    const doc = {
      kty,
      jwk,
      keyOps: keyOpsOf(input.key_ops, jwk.kty),
      managed,
      enabled: true,
      notBefore: null,
      expires: null,
      tags: {},
    };
    applyAttributes(doc, input);
    const sealed = seal(this.masterKey, Buffer.from(JSON.stringify(priv), 'utf8'), aadOf(v.id, name, version));
    return this.objects.add(v, name, doc, sealed, version);
  }

  async update(v: KeyVaultRecord, name: string, version: string | undefined, input: KeyInput): Promise<KeyVersion> {
    const rec = await this.objects.get(v, name, version);
    const doc = { ...rec.doc };
    if (input.key_ops !== undefined) doc.keyOps = keyOpsOf(input.key_ops, doc.jwk.kty);
    applyAttributes(doc, input);
    return this.objects.replaceDoc(rec, doc);
  }

  /** One cryptographic operation with a key version; the result's bytes are base64url, as on the wire. */
  async operate(
    v: KeyVaultRecord,
    name: string,
    version: string | undefined,
    op: KeyOperation,
    input: KeyOperationInput,
  ): Promise<{ version: string; value: string | boolean }> {
    const rec = await this.objects.get(v, name, version);
    this.checkUsable(rec, op);
    const value = bytes(input.value, 'value');
    const out = (b: Buffer) => ({ version: rec.version, value: b.toString('base64url') });
    switch (op) {
      case 'sign':
        return out(sign(this.privateOf(rec), input.alg, value));
      case 'verify':
        return { version: rec.version, value: verify(rec.doc.jwk, input.alg, bytes(input.digest, 'digest'), value) };
      case 'encrypt':
      case 'wrapkey':
        return out(encrypt(rec.doc.jwk, input.alg, value));
      default:
        return out(decrypt(this.privateOf(rec), input.alg, value));
    }
  }

  /**
   * Every version of a key in one blob sealed under the master key, so it restores into any vault
   * of this installation and nowhere else (Azure: same subscription and geography).
   */
  async backup(v: KeyVaultRecord, name: string): Promise<string> {
    const versions = (await this.objects.versions(v, name)).reverse();
    const items = versions.map((r) => ({ version: r.version, doc: r.doc, priv: this.privateOf(r) }));
    const blob = JSON.stringify({ name: versions[0]!.name, items });
    return Buffer.from(seal(this.masterKey, Buffer.from(blob, 'utf8'), BACKUP_AAD), 'utf8').toString('base64url');
  }

  async restore(v: KeyVaultRecord, value: unknown): Promise<KeyVersion> {
    let backup: { name: string; items: { version: string; doc: KeyDoc; priv: JsonWebKey }[] };
    try {
      const sealed = Buffer.from(String(value), 'base64url').toString('utf8');
      backup = JSON.parse(unseal(this.masterKey, sealed, BACKUP_AAD).toString('utf8')) as typeof backup;
    } catch {
      throw new KeyVaultError('BadParameter', 'The backup blob is not a key backup of this installation.');
    }
    const existing = await this.objects.get(v, backup.name).catch(() => undefined);
    if (existing) throw new KeyVaultError('Conflict', `Key ${backup.name} already exists in this vault.`);
    let last: KeyVersion | undefined;
    for (const { version, doc, priv } of backup.items) {
      const sealed = seal(this.masterKey, Buffer.from(JSON.stringify(priv), 'utf8'), aadOf(v.id, backup.name, version));
      last = await this.objects.add(v, backup.name, doc, sealed, version);
    }
    return last!;
  }

  private checkUsable(rec: KeyVersion, op: KeyOperation): void {
    if (!rec.doc.enabled)
      throw new KeyVaultError('Forbidden', `Operation ${op} is not allowed on a disabled key.`, 'KeyDisabled');
    if (!rec.doc.keyOps.includes(OP_NAME[op]))
      throw new KeyVaultError(
        'Forbidden',
        `Operation ${OP_NAME[op]} is not permitted on this key.`,
        'KeyOperationForbidden',
      );
  }

  /** For a certificate's merge, which builds its secret from the key made at create (certificates.ts). */
  privateJwk(rec: KeyVersion): JsonWebKey {
    return this.privateOf(rec);
  }

  private privateOf(rec: KeyVersion): JsonWebKey {
    const plain = unseal(this.masterKey, rec.sealed ?? '', aadOf(rec.vaultId, rec.name, rec.version));
    return JSON.parse(plain.toString('utf8')) as JsonWebKey;
  }
}
