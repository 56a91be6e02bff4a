import assert from 'node:assert/strict';
import { randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { KeyRing, RETIRED_KEY_GRACE_MS } from './key-ring.js';
import { KeyMaintenance, listSigningKeys, maxTokenLifetimeMs, REVOCATION_RETENTION_MS } from './rotation.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describe('signing key rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-rotation-'));
  const masterKey = randomBytes(32);
  const stores: Store[] = [];
  let n = 0;
  let clock: ManualClock;
  let store: Store;
  let ring: KeyRing;
  after(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clock = new ManualClock(T0);
    store = await openStore({ kind: 'sqlite', path: join(dir, `keys-${++n}.db`) });
    stores.push(store);
    ring = await new KeyRing(store, masterKey, clock).open();
  });

  const slots = async (s: Store = store) => {
    const keys = await s.signingKeys.list();
    const kids = (status: string) => keys.filter((k) => k.status === status).map((k) => k.kid);
    return { current: kids('current'), next: kids('next'), retired: kids('retired') };
  };
  const jwksKids = (r: KeyRing) =>
    r
      .jwks()
      .keys.map((k) => k.kid)
      .sort();

  it('rotate promotes next to current, retires current until its tokens expire, and adds a fresh next', async () => {
    const before = await slots();
    assert.equal(ring.signer().kid, before.current[0]);
    clock.advance(HOUR);
    const r = await ring.rotate(2 * HOUR);
    assert.deepEqual(r.retiredKid, before.current[0]);
    assert.deepEqual(r.currentKid, before.next[0]);
    assert.ok(!Object.values(before).flat().includes(r.nextKid), 'the next key is new');
    assert.deepEqual(await slots(), { current: [r.currentKid], next: [r.nextKid], retired: [r.retiredKid] });
    assert.equal(ring.signer().kid, r.currentKid);
    const info = await listSigningKeys(store);
    const retired = info.find((k) => k.kid === r.retiredKid)!;
    assert.equal(retired.retiredAt, T0 + HOUR);
    assert.equal(retired.publishUntil, T0 + HOUR + 2 * HOUR + RETIRED_KEY_GRACE_MS);
    assert.equal(info.find((k) => k.kid === r.currentKid)!.activatedAt, T0 + HOUR);
    assert.equal(info.find((k) => k.kid === r.nextKid)!.activatedAt, null);
    assert.ok(
      info.every((k) => !('sealedPrivateKey' in k) && !('publicJwk' in k)),
      'listing carries no key material',
    );
  });

  it('JWKS after rotation holds the retired, current and next keys; a token signed before still verifies', async () => {
    const token = ring.signer().sign({ sub: 'x' });
    const r = await ring.rotate(HOUR);
    assert.deepEqual(jwksKids(ring), [r.retiredKid, r.currentKid, r.nextKid].sort());
    const [h, p, s] = token.split('.');
    const key = ring.publicKey(r.retiredKid);
    assert.ok(key && verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s!, 'base64url')));
  });

  it('the key that starts signing was in JWKS before the rotation', async () => {
    const published = jwksKids(ring);
    const r = await ring.rotate(HOUR);
    assert.ok(published.includes(r.currentKid));
    const second = await ring.rotate(HOUR);
    assert.equal(second.currentKid, r.nextKid, 'the second rotation promotes the key the first one published');
    assert.equal(second.retiredKid, r.currentKid);
    assert.equal(jwksKids(ring).length, 4, 'both retired keys are still published');
  });

  it('a retired key leaves JWKS after publishUntil and tick deletes it', async () => {
    const r = await ring.rotate(HOUR);
    const maintenance = new KeyMaintenance(ring, store, clock);
    const publishUntil = T0 + HOUR + RETIRED_KEY_GRACE_MS;
    clock.set(publishUntil - 1);
    assert.deepEqual(await maintenance.tick(), { deleted: 0, revocations: 0 });
    assert.ok(jwksKids(ring).includes(r.retiredKid));
    clock.set(publishUntil + 1);
    assert.deepEqual(await maintenance.tick(), { deleted: 1, revocations: 0 });
    assert.deepEqual(jwksKids(ring), [r.currentKid, r.nextKid].sort());
    assert.equal(ring.publicKey(r.retiredKid), undefined);
    assert.deepEqual(await slots(), { current: [r.currentKid], next: [r.nextKid], retired: [] });
  });

  it('another node picks up a rotation on its next tick, and starts signing with the new key', async () => {
    const other = await new KeyRing(store, masterKey, clock).open();
    const r = await ring.rotate(HOUR);
    assert.equal(other.signer().kid, r.retiredKid, 'not reloaded yet');
    await new KeyMaintenance(other, store, clock).tick();
    assert.equal(other.signer().kid, r.currentKid);
    assert.deepEqual(jwksKids(other), jwksKids(ring));
  });

  it('only the housekeeping leader deletes expired keys and revocations; every node reloads', async () => {
    const r = await ring.rotate(HOUR);
    const other = await new KeyRing(store, masterKey, clock).open();
    await store.tokenRevocations.put({ principalId: 'old', revokedAt: T0, revokedBy: 'admin' });
    clock.set(T0 + REVOCATION_RETENTION_MS - HOUR);
    await store.tokenRevocations.put({ principalId: 'recent', revokedAt: clock.now(), revokedBy: 'admin' });
    clock.set(T0 + REVOCATION_RETENTION_MS + 1);
    const second = await ring.rotate(HOUR);
    assert.deepEqual(await new KeyMaintenance(other, store, clock, 5, undefined, async () => false).tick(), {
      deleted: 0,
      revocations: 0,
    });
    assert.equal(other.signer().kid, second.currentKid, 'a follower still reloads');
    assert.equal(
      (await store.signingKeys.list()).some((k) => k.kid === r.retiredKid),
      true,
    );
    assert.deepEqual(await new KeyMaintenance(ring, store, clock, 5, undefined, async () => true).tick(), {
      deleted: 1,
      revocations: 1,
    });
    assert.deepEqual(
      (await store.tokenRevocations.list()).map((x) => x.principalId),
      ['recent'],
    );
  });

  it('start() ticks on its interval until stop()', async () => {
    const other = await new KeyRing(store, masterKey, clock).open();
    const maintenance = new KeyMaintenance(other, store, clock, 5).start();
    const r = await ring.rotate(HOUR);
    await waitFor(() => other.signer().kid === r.currentKid, { what: 'a tick to load the rotated key', intervalMs: 5 });
    await maintenance.stop();
    const second = await ring.rotate(HOUR);
    await new Promise((res) => setTimeout(res, 50)); // ten intervals in which no tick may come
    assert.equal(other.signer().kid, r.currentKid, 'no tick after stop()');
    assert.notEqual(second.currentKid, r.currentKid);
  });

  it('a failing tick is logged and does not stop the timer', async () => {
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o) } as unknown as import('../../kernel/log.js').Logger;
    const broken = {
      signingKeys: {
        deleteExpired: async () => {
          throw new Error('db down');
        },
      },
      changes: { subscribe: () => () => undefined },
    } as unknown as Store;
    const maintenance = new KeyMaintenance(ring, broken, clock, 5, log).start();
    try {
      await waitFor(() => warnings.length >= 2, { what: 'a second warning from the failing ticks', intervalMs: 5 });
    } finally {
      await maintenance.stop();
    }
  });

  it('refuses a non-positive lifetime', async () => {
    await assert.rejects(ring.rotate(0), /must be positive/);
    assert.equal((await slots()).retired.length, 0);
  });

  it('maxTokenLifetimeMs is the longer of the app and managed-identity lifetimes', () => {
    assert.equal(
      maxTokenLifetimeMs({ appTokenLifetimeSeconds: 3600, managedIdentityTokenLifetimeSeconds: 86_400 }),
      86_400_000,
    );
    assert.equal(
      maxTokenLifetimeMs({ appTokenLifetimeSeconds: 7200, managedIdentityTokenLifetimeSeconds: 600 }),
      7_200_000,
    );
  });
});
