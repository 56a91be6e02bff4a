import { createPrivateKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { KeyVaultRecord } from '../../store/key-vault.js';
import type { IssuingCa } from '../pki/ca.js';
import {
  certificateRequest,
  issueCertificate,
  normalizePolicy,
  pkcs8Of,
  PEM,
  thumbprint,
  type CertPolicy,
} from './cert-issue.js';
import { readImport, type ImportInput } from './cert-import.js';
import { KeyVaultError } from './errors.js';
import { generateKey, keyTypeOf } from './key-crypto.js';
import type { KeyService } from './keys.js';
import {
  applyAttributes,
  newVersion,
  VaultObjects,
  type Deleted,
  type ObjectAttributes,
  type Versioned,
} from './objects.js';
import { pkcs12 } from './pkcs12.js';
import type { SecretService } from './secrets.js';

/** The public document of a certificate version; its key and secret live beside it under the same name and version. */
export interface CertDoc extends ObjectAttributes {
  /** Base64 DER. */
  cer: string;
  x5t: string;
  policy: CertPolicy;
  /** Base64 DER of the request while an issuer `Unknown` version waits for its merge; `cer` is empty meanwhile. */
  csr?: string;
}
export type CertVersion = Versioned<CertDoc>;

export interface CertInput {
  policy?: unknown;
  attributes?: unknown;
  tags?: unknown;
}

/** Key usages Key Vault gives a certificate's key: the JWK operations its policy allows. */
const KEY_OPS = { RSA: ['sign', 'verify', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], EC: ['sign', 'verify'] };

/**
 * Key Vault certificates (https://learn.microsoft.com/azure/key-vault/certificates/about-certificates):
 * each version is a certificate, an addressable key (kid) and an addressable secret (sid) holding
 * the certificate with its private key as PEM or PKCS#12. Issuing is synchronous, so the pending
 * operation is complete as soon as create returns.
 */
export class CertificateService {
  readonly objects: VaultObjects<CertDoc>;
  private readonly clock: Clock;
  constructor(
    store: Store,
    clock: Clock,
    private readonly keys: KeyService,
    private readonly secrets: SecretService,
    private readonly ca?: IssuingCa,
  ) {
    this.clock = clock;
    this.objects = new VaultObjects<CertDoc>(store, (s) => s.keyVaultCertificates, clock, 'certificate');
  }

  async create(v: KeyVaultRecord, name: string, input: CertInput): Promise<CertVersion> {
    const prev = await this.latestPolicy(v, name);
    const policy = normalizePolicy(input.policy ?? prev, prev);
    const kty = keyTypeOf(policy.key_props.kty);
    const priv = generateKey(kty, policy.key_props.key_size, policy.key_props.crv);
    if (policy.issuer.name === 'Unknown') return this.pending(v, name, priv, policy, input);
    const der = await issueCertificate(priv, policy, this.clock.now(), this.ca);
    return this.storeVersion(v, name, { priv, der, policy }, input);
  }

  /** A disabled version with its key and a CSR, no certificate and no secret until merge. */
  private async pending(
    v: KeyVaultRecord,
    name: string,
    priv: JsonWebKey,
    policy: CertPolicy,
    input: CertInput,
  ): Promise<CertVersion> {
    const version = newVersion();
    const kty = keyTypeOf(policy.key_props.kty);
    await this.keys.store(v, name, policy.key_props.kty, priv, { key_ops: KEY_OPS[kty] }, true, version);
    const csr = (await certificateRequest(priv, policy)).toString('base64');
    const doc = { cer: '', x5t: '', policy, csr, enabled: false, notBefore: null, expires: null, tags: {} };
    applyAttributes(doc, { tags: input.tags });
    return this.objects.add(v, name, doc, null, version);
  }

  /**
   * Merge Certificate: the signed certificate (and its chain) for the pending version's key. The
   * version becomes enabled, with its secret (https://learn.microsoft.com/rest/api/keyvault/certificates/merge-certificate).
   */
  async merge(v: KeyVaultRecord, name: string, input: CertInput & { x5c?: unknown }): Promise<CertVersion> {
    const rec = await this.objects.get(v, name);
    if (rec.doc.csr === undefined)
      throw new KeyVaultError('CertificateNotFound', `Pending certificate not found: ${name}`);
    const priv = this.keys.privateJwk(await this.keys.objects.get(v, name, rec.version));
    const { leaf, chain } = mergedChain(input.x5c, priv);
    const policy = rec.doc.policy;
    const value = this.secretValue(priv, [leaf, ...chain], policy);
    await this.secrets.set(v, name, { value, contentType: policy.secret_props.contentType }, rec.version);
    const cert = new X509Certificate(leaf);
    const { csr: _done, ...rest } = rec.doc;
    const doc = { ...rest, cer: leaf.toString('base64'), x5t: thumbprint(leaf), enabled: true };
    Object.assign(doc, { notBefore: Date.parse(cert.validFrom), expires: Date.parse(cert.validTo) });
    applyAttributes(doc, input);
    return this.objects.replaceDoc(rec, doc);
  }

  /** Import Certificate: a PFX or PEM with its private key, as a new version (cert-import.ts). */
  import(v: KeyVaultRecord, name: string, input: CertInput & ImportInput): Promise<CertVersion> {
    return this.storeVersion(v, name, readImport(input), input);
  }

  private async storeVersion(
    v: KeyVaultRecord,
    name: string,
    c: { priv: JsonWebKey; der: Buffer; policy: CertPolicy; chain?: Buffer[] },
    input: CertInput,
  ): Promise<CertVersion> {
    const version = newVersion();
    const kty = keyTypeOf(c.policy.key_props.kty);
    await this.keys.store(v, name, c.policy.key_props.kty, c.priv, { key_ops: KEY_OPS[kty] }, true, version);
    await this.secrets.set(
      v,
      name,
      {
        value: this.secretValue(c.priv, [c.der, ...(c.chain ?? [])], c.policy),
        contentType: c.policy.secret_props.contentType,
      },
      version,
    );
    const cert = new X509Certificate(c.der);
    const doc = {
      cer: c.der.toString('base64'),
      x5t: thumbprint(c.der),
      policy: c.policy,
      enabled: true,
      notBefore: Date.parse(cert.validFrom),
      expires: Date.parse(cert.validTo),
      tags: {},
    };
    applyAttributes(doc, input);
    return this.objects.add(v, name, doc, null, version);
  }

  /** The private key and the certificate, then its chain, as PKCS#12 or PEM. */
  private secretValue(priv: JsonWebKey, [der, ...chain]: Buffer[], policy: CertPolicy): string {
    const pkcs8 = pkcs8Of(priv);
    if (policy.secret_props.contentType !== PEM) return pkcs12(pkcs8, der!, chain).toString('base64');
    const pem = (label: string, b: Buffer) =>
      `-----BEGIN ${label}-----\n${b.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
    return pem('PRIVATE KEY', pkcs8) + [der!, ...chain].map((c) => pem('CERTIFICATE', c)).join('');
  }

  private async latestPolicy(v: KeyVaultRecord, name: string): Promise<CertPolicy | undefined> {
    try {
      return (await this.objects.get(v, name)).doc.policy;
    } catch (e) {
      if (e instanceof KeyVaultError && e.code === 'CertificateNotFound') return undefined;
      throw e;
    }
  }

  async policy(v: KeyVaultRecord, name: string): Promise<CertPolicy> {
    return (await this.objects.get(v, name)).doc.policy;
  }

  /** Applies to the next version, as in Key Vault; the latest version's document carries it. */
  async updatePolicy(v: KeyVaultRecord, name: string, raw: unknown): Promise<CertPolicy> {
    const rec = await this.objects.get(v, name);
    const policy = normalizePolicy(raw, rec.doc.policy);
    await this.objects.replaceDoc(rec, { ...rec.doc, policy });
    return policy;
  }

  async update(v: KeyVaultRecord, name: string, version: string | undefined, input: CertInput): Promise<CertVersion> {
    const rec = await this.objects.get(v, name, version);
    const doc = { ...rec.doc };
    applyAttributes(doc, input);
    return this.objects.replaceDoc(rec, doc);
  }

  /** The certificate's key and secret go and come back with it, as Key Vault's do. */
  async delete(v: KeyVaultRecord, name: string): Promise<Deleted<CertDoc>> {
    const out = await this.objects.delete(v, name);
    await quietly(this.keys.objects.delete(v, name));
    await quietly(this.secrets.delete(v, name));
    return out;
  }

  async recover(v: KeyVaultRecord, name: string): Promise<CertVersion> {
    const out = await this.objects.recover(v, name);
    await quietly(this.keys.objects.recover(v, name));
    await quietly(this.secrets.recover(v, name));
    return out;
  }

  async purge(v: KeyVaultRecord, name: string): Promise<void> {
    await this.objects.purge(v, name);
    await quietly(this.keys.objects.purge(v, name));
    await quietly(this.secrets.purge(v, name));
  }
}

/** `x5c` as the SDK sends it: base64 of each certificate's DER, or of its PEM or base64 text. */
function mergedChain(x5c: unknown, priv: JsonWebKey): { leaf: Buffer; chain: Buffer[] } {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 10 || !x5c.every((c) => typeof c === 'string'))
    throw new KeyVaultError('BadParameter', "'x5c' must list the signed certificate and its chain (at most 10).");
  const key = createPrivateKey({ key: priv, format: 'jwk' });
  const ders = (x5c as string[]).map((c) => {
    const bytes = Buffer.from(c, 'base64');
    if (bytes[0] === 0x30) return bytes;
    const text = bytes.toString('latin1').replace(/-----[A-Z ]+-----/g, '');
    return Buffer.from(text.replace(/\s+/g, ''), 'base64');
  });
  const parsed = ders.map((der) => {
    try {
      return { der, cert: new X509Certificate(der) };
    } catch {
      throw new KeyVaultError('BadParameter', 'A certificate of x5c cannot be read.');
    }
  });
  const leaf = parsed.find((p) => p.cert.checkPrivateKey(key));
  if (!leaf) throw new KeyVaultError('BadParameter', "No certificate of x5c matches the pending request's key.");
  return { leaf: leaf.der, chain: parsed.filter((p) => p !== leaf).map((p) => p.der) };
}

/** The companion key or secret may have been deleted on its own: that is not the certificate's error. */
async function quietly(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KeyVaultError) || e.status !== 404) throw e;
  }
}
