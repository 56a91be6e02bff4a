import type { KeyObject } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { seal, unseal } from '../kernel/sealing.js';
import type { SigningKeyRecord, SigningKeyStatus } from '../store/records.js';
import type { Store } from '../store/store.js';
import { JwtSigner } from './jwt/signer.js';
import { generateSigningKey, importPrivateKey, jwksDocument, type PublicJwk } from './keys/signing-key.js';
import { createPublicKey } from 'node:crypto';

const aadFor = (kid: string) => `openmi-signing-key:${kid}`;

/**
 * The signing keys as this node sees them. Slots follow SPIRE's current/next design: a `next` key
 * is published in JWKS before it ever signs, so verifiers that cache JWKS already know it when
 * rotation promotes it; `retired` keys stay published until every token they signed has expired.
 */
export class KeyRing {
  private signerCache: JwtSigner | undefined;
  private publicKeys = new Map<string, KeyObject>();
  private records: SigningKeyRecord[] = [];

  constructor(
    private readonly store: Store,
    private readonly masterKey: Buffer,
    private readonly clock: Clock,
  ) {}

  /** Loads the keys, creating the current and next slots on first start. */
  async open(): Promise<this> {
    await this.ensureSlot('current');
    await this.ensureSlot('next');
    await this.reload();
    return this;
  }

  private async ensureSlot(status: SigningKeyStatus): Promise<void> {
    const keys = await this.store.signingKeys.list();
    if (keys.some((k) => k.status === status)) return;
    const next = keys.find((k) => k.status === 'next');
    if (status === 'current' && next) {
      await this.store.signingKeys.transition(next.kid, 'next', 'current', { activatedAt: this.clock.now() });
      return;
    }
    await this.insertNew(status);
  }

  private async insertNew(status: SigningKeyStatus): Promise<void> {
    const k = await generateSigningKey(this.clock);
    await this.store.signingKeys.insert({
      kid: k.kid,
      status,
      sealedPrivateKey: seal(this.masterKey, Buffer.from(k.privateKeyPem), aadFor(k.kid)),
      publicJwk: k.publicJwk as unknown as Record<string, unknown>,
      createdAt: this.clock.now(),
      activatedAt: status === 'current' ? this.clock.now() : null,
      retiredAt: null,
      publishUntil: null,
    });
  }

  /** Re-reads the key table (another node may have rotated). */
  async reload(): Promise<void> {
    const now = this.clock.now();
    const records = (await this.store.signingKeys.list()).filter((k) => k.publishUntil === null || k.publishUntil > now);
    const current = records.find((k) => k.status === 'current');
    if (!current) throw new Error('no current signing key in the store; run openmi serve once to create one');
    if (this.signerCache?.kid !== current.kid) {
      const pem = unseal(this.masterKey, current.sealedPrivateKey, aadFor(current.kid)).toString();
      this.signerCache = new JwtSigner({ kid: current.kid, x5t: current.kid, privateKey: importPrivateKey(pem) });
    }
    const pubs = new Map<string, KeyObject>();
    for (const r of records) {
      pubs.set(r.kid, this.publicKeys.get(r.kid) ?? createPublicKey({ key: r.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }));
    }
    this.publicKeys = pubs;
    this.records = records;
  }

  signer(): JwtSigner {
    if (!this.signerCache) throw new Error('key ring not opened');
    return this.signerCache;
  }

  publicKey(kid: string): KeyObject | undefined {
    return this.publicKeys.get(kid);
  }

  jwks(): { keys: PublicJwk[] } {
    return jwksDocument(this.records.map((r) => r.publicJwk as unknown as PublicJwk));
  }
}
