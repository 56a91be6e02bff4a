import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { seal, unseal } from '../../kernel/sealing.js';
import type { SigningKeyRecord, SigningKeyStatus } from '../../store/records.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { JwtSigner } from './jwt/signer.js';
import { generateSigningKey, importPrivateKey, jwksDocument, type PublicJwk } from './keys/signing-key.js';

/** Binds each sealed private key to its kid (exported for tests that re-open a server's keys). */
export const aadFor = (kid: string) => `openmi-signing-key:${kid}`;

/**
 * How much longer than the longest token lifetime a retired key stays in JWKS: covers clock
 * skew between us and verifiers, and nodes that have not reloaded yet and still sign with the
 * retired key for up to one maintenance interval (30 s) after another node rotated.
 */
export const RETIRED_KEY_GRACE_MS = 5 * 60_000;

/** The change-bus kind that tells other nodes to re-read the key table (rotation.ts listens). */
export const SIGNING_KEYS_CHANGE = 'signing-keys';

export interface RotationResult {
  retiredKid: string;
  currentKid: string;
  nextKid: string;
}

/** Thrown inside the rotation transaction to roll it back when another node got there first. */
class RotationConflict extends Error {}

const byCreated = (a: SigningKeyRecord, b: SigningKeyRecord) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid);
/** The key that has been published longest is the one to promote. */
const oldestNext = (keys: readonly SigningKeyRecord[]) => keys.filter((k) => k.status === 'next').sort(byCreated)[0];
/** Should two keys ever be current (a crash on an old version), every node picks the same one. */
const newestCurrent = (keys: readonly SigningKeyRecord[]) =>
  keys
    .filter((k) => k.status === 'current')
    .sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0) || byCreated(b, a))[0];

/**
 * The signing keys as this node sees them. Slots follow SPIRE's current/next design: a `next` key
 * is published in JWKS before it ever signs, so verifiers that cache JWKS already know it when
 * rotation promotes it; `retired` keys stay published until every token they signed has expired.
 */
export class KeyRing {
  private signerCache: JwtSigner | undefined;
  private publicKeys = new Map<string, KeyObject>();
  private records: SigningKeyRecord[] = [];
  /** Reloads may overlap (maintenance timer, rotation, unknown kid); an older read must not undo a newer one. */
  private reloadsStarted = 0;
  private reloadApplied = 0;

  constructor(
    private readonly store: Store,
    private readonly masterKey: Buffer,
    private readonly clock: Clock,
  ) {}

  /**
   * Loads the keys, creating the current and next slots on first start. The slots are filled in
   * one transaction, so no reader sees a current key without a next one; nodes starting together
   * call this under the store's installation lock, so only one of them fills them.
   */
  async open(): Promise<this> {
    const keys = await this.store.signingKeys.list();
    const hasCurrent = keys.some((k) => k.status === 'current');
    const next = keys.find((k) => k.status === 'next');
    if (!hasCurrent || !next) await this.fillSlots(hasCurrent, next);
    await this.reload();
    return this;
  }

  /** A missing current promotes the published next (if any); a missing or promoted next is replaced. */
  private async fillSlots(hasCurrent: boolean, next: SigningKeyRecord | undefined): Promise<void> {
    const promote = !hasCurrent && next !== undefined;
    const fresh: SigningKeyRecord[] = [];
    if (!hasCurrent && !promote) fresh.push(await this.newRecord('current'));
    if (!next || promote) fresh.push(await this.newRecord('next'));
    await this.store.tx(async (tx) => {
      if (
        promote &&
        !(await tx.signingKeys.transition(next.kid, 'next', 'current', { activatedAt: this.clock.now() }))
      ) {
        throw new Error(`signing key ${next.kid} changed while this node was starting; start it again`);
      }
      for (const r of fresh) await tx.signingKeys.insert(r);
    });
  }

  /** Generates a key and seals it; slow (RSA key generation), so never called inside a transaction. */
  private async newRecord(status: SigningKeyStatus): Promise<SigningKeyRecord> {
    const k = await generateSigningKey(this.clock);
    return {
      kid: k.kid,
      status,
      sealedPrivateKey: seal(this.masterKey, Buffer.from(k.privateKeyPem), aadFor(k.kid)),
      publicJwk: k.publicJwk as unknown as Record<string, unknown>,
      createdAt: this.clock.now(),
      activatedAt: status === 'current' ? this.clock.now() : null,
      retiredAt: null,
      publishUntil: null,
    };
  }

  /** Re-reads the key table (another node may have rotated). */
  async reload(): Promise<void> {
    const seq = ++this.reloadsStarted;
    const now = this.clock.now();
    const records = (await this.store.signingKeys.list()).filter(
      (k) => k.publishUntil === null || k.publishUntil > now,
    );
    if (seq < this.reloadApplied) return;
    const current = newestCurrent(records);
    if (!current) throw new Error('no current signing key in the store; run openmi serve once to create one');
    if (this.signerCache?.kid !== current.kid) {
      const pem = this.unsealKey(current).toString();
      this.signerCache = new JwtSigner({ kid: current.kid, x5t: current.kid, privateKey: importPrivateKey(pem) });
    }
    const pubs = new Map<string, KeyObject>();
    for (const r of records) {
      pubs.set(r.kid, this.publicKeys.get(r.kid) ?? createPublicKey({ key: r.publicJwk as JsonWebKey, format: 'jwk' }));
    }
    this.publicKeys = pubs;
    this.records = records;
    this.reloadApplied = seq;
  }

  /**
   * Rotates: next → current, current → retired (published until `maxTokenLifetimeMs` plus
   * RETIRED_KEY_GRACE_MS from now) and a fresh next. Safe to call from several nodes at once:
   * the rotation that promotes the `next` key this call saw wins; the others change nothing
   * and return the ring as the winner left it.
   *
   * Order: the fresh key is generated first, outside any transaction (it is the slow part). Then
   * one transaction does promote (the compare-and-set that decides the race, so it comes first),
   * retire, insert. Because it commits as a whole, no reader ever sees zero or two current keys
   * or no next key, and a failed step rolls everything back. The key that starts signing was
   * published as `next` since the previous rotation, and the retired one stays published, so a
   * verifier never meets a signature by an unpublished key.
   *
   * `inTx` runs last inside that transaction when this call wins, so what it writes (the activity
   * row) commits with the rotation or not at all.
   */
  async rotate(
    maxTokenLifetimeMs: number,
    inTx?: (tx: StoreRepos, result: RotationResult) => Promise<void>,
  ): Promise<RotationResult> {
    if (!Number.isFinite(maxTokenLifetimeMs) || maxTokenLifetimeMs <= 0)
      throw new Error(`maxTokenLifetimeMs must be positive, got ${maxTokenLifetimeMs}`);
    const seen = await this.store.signingKeys.list();
    const target = oldestNext(seen);
    const previous = newestCurrent(seen);
    if (!target || !previous)
      throw new Error('the key table has no current or next signing key; restart openmi serve to recreate them');
    const fresh = await this.newRecord('next');
    const now = this.clock.now();
    const retiring = seen.filter((k) => k.status === 'current').map((k) => k.kid);
    const result = { retiredKid: previous.kid, currentKid: target.kid, nextKid: fresh.kid };
    const won = await this.promote(
      target.kid,
      retiring,
      fresh,
      { now, publishUntil: now + maxTokenLifetimeMs + RETIRED_KEY_GRACE_MS },
      async (tx) => inTx?.(tx, result),
    );
    // The other nodes were told at commit (promote), so they sign with the new key within the
    // bus's delivery time of the answer; a lost event leaves them on the old key until their next round.
    await this.reload();
    if (won) return result;
    return this.winnersResult(previous.kid);
  }

  /** The rotation transaction; false when another rotation promoted (or retired) first. */
  private async promote(
    nextKid: string,
    currentKids: string[],
    fresh: SigningKeyRecord,
    t: { now: number; publishUntil: number },
    last: (tx: StoreRepos) => Promise<void>,
  ): Promise<boolean> {
    try {
      return await this.store.tx(async (tx) => {
        if (!(await tx.signingKeys.transition(nextKid, 'next', 'current', { activatedAt: t.now }))) return false;
        for (const kid of currentKids) {
          const retired = await tx.signingKeys.transition(kid, 'current', 'retired', {
            retiredAt: t.now,
            publishUntil: t.publishUntil,
          });
          if (!retired) throw new RotationConflict(`signing key ${kid} is no longer current`);
        }
        await tx.signingKeys.insert(fresh);
        await last(tx);
        // Sent by the commit itself, so the other nodes hear of every rotation that committed.
        await tx.changes.publish(SIGNING_KEYS_CHANGE, { kid: nextKid });
        return true;
      });
    } catch (e) {
      if (e instanceof RotationConflict) return false;
      throw e;
    }
  }

  /** After losing a race: the slots as the winner committed them (this ring has just reloaded). */
  private winnersResult(previousKid: string): RotationResult {
    const next = oldestNext(this.records);
    if (!next) throw new Error('the key table has no next signing key after a concurrent rotation');
    return { retiredKid: previousKid, currentKid: this.signer().kid, nextKid: next.kid };
  }

  /** The usual cause is a node started with another master key than the installation's: say so. */
  private unsealKey(record: SigningKeyRecord): Buffer {
    try {
      return unseal(this.masterKey, record.sealedPrivateKey, aadFor(record.kid));
    } catch (e) {
      throw new Error(
        `This node's master key cannot decrypt signing key ${record.kid} in the store (${(e as Error).message}). ` +
          'Every node of one installation must run with the same master key: set OPENMI_MASTER_KEY to the base64 ' +
          'of the master.key in the data dir of the node that first started on this store (or copy that file into ' +
          "this node's data dir), then start again.",
        { cause: e },
      );
    }
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
