import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { openStore } from '../../store/open-store.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { freshPgSchema, pgUnreachable, PG_URL } from '../../../test/helpers/postgres.js';
import { KeyRing } from './key-ring.js';

const HOUR = 3_600_000;
const masterKey = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'openmi-rotation-race-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function slots(s: Store) {
  const keys = await s.signingKeys.list();
  const kids = (status: string) => keys.filter((k) => k.status === status).map((k) => k.kid);
  return { current: kids('current'), next: kids('next'), retired: kids('retired') };
}

/** Two nodes (rings) rotating at the same moment, several rounds: one rotation per round, never two current keys. */
async function raceRounds(storeA: Store, storeB: Store): Promise<void> {
  const clock = new ManualClock();
  const a = await new KeyRing(storeA, masterKey, clock).open();
  const b = await new KeyRing(storeB, masterKey, clock).open();
  for (let round = 1; round <= 4; round++) {
    const before = await slots(storeA);
    clock.advance(HOUR);
    const [ra, rb] = await Promise.all([a.rotate(HOUR), b.rotate(HOUR)]);
    const after = await slots(storeA);
    assert.equal(after.current.length, 1, `round ${round}: exactly one current key, got ${after.current.join(', ')}`);
    assert.equal(after.next.length, 1, `round ${round}: exactly one next key, got ${after.next.join(', ')}`);
    assert.equal(after.retired.length, round, `round ${round}: one rotation happened, not two`);
    assert.deepEqual(after.current, before.next, 'the promoted key is the one that was published as next');
    assert.deepEqual(ra, rb, "the loser reports the winner's result");
    assert.deepEqual(ra, { retiredKid: before.current[0], currentKid: after.current[0], nextKid: after.next[0] });
    assert.equal(a.signer().kid, after.current[0]);
    assert.equal(b.signer().kid, after.current[0]);
  }
}

/** A store whose transactions see `retire` fail, as if another node retired the current key mid-rotation. */
function retireFailsInTx(inner: Store): Store {
  const tx = <T>(fn: (repos: StoreRepos) => Promise<T>) =>
    inner.tx((repos) => {
      const signingKeys = Object.create(repos.signingKeys) as StoreRepos['signingKeys'];
      signingKeys.transition = async (kid, from, to, at) =>
        to === 'retired' ? false : repos.signingKeys.transition(kid, from, to, at);
      return fn({ ...repos, signingKeys });
    });
  return Object.assign(Object.create(inner) as Store, { tx, signingKeys: inner.signingKeys });
}

describe('concurrent rotation (SQLite, two rings on one store)', () => {
  it('two rings rotating at once end with one current and one next', async () => {
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'race.db') });
    try {
      await raceRounds(store, store);
    } finally {
      await store.close();
    }
  });

  it('a rotation that fails halfway rolls back and leaves the slots as they were', async () => {
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'halfway.db') });
    try {
      const clock = new ManualClock();
      await new KeyRing(store, masterKey, clock).open();
      const before = await slots(store);
      const ring = await new KeyRing(retireFailsInTx(store), masterKey, clock).open();
      const r = await ring.rotate(HOUR);
      assert.deepEqual(await slots(store), before, 'the promotion was rolled back with the failed retire');
      assert.deepEqual(r, { retiredKid: before.current[0], currentKid: before.current[0], nextKid: before.next[0] });
      assert.equal(ring.signer().kid, before.current[0]);
    } finally {
      await store.close();
    }
  });

  it('a failed insert rolls the whole rotation back', async () => {
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'insert-fails.db') });
    try {
      const ring = await new KeyRing(store, masterKey, new ManualClock()).open();
      const before = await slots(store);
      const failing = Object.assign(Object.create(store) as Store, {
        signingKeys: store.signingKeys,
        tx: <T>(fn: (r: StoreRepos) => Promise<T>) =>
          store.tx((r) =>
            fn({
              ...r,
              signingKeys: Object.assign(Object.create(r.signingKeys), {
                insert: async () => {
                  throw new Error('disk full');
                },
              }),
            }),
          ),
      });
      const broken = await new KeyRing(failing, masterKey, new ManualClock()).open();
      await assert.rejects(broken.rotate(HOUR), /disk full/);
      assert.deepEqual(await slots(store), before);
      assert.equal(ring.signer().kid, before.current[0]);
    } finally {
      await store.close();
    }
  });
});

const unreachable = await pgUnreachable();
describe('concurrent rotation (PostgreSQL, two nodes with their own pools)', () => {
  if (unreachable !== undefined) {
    const reason = `PostgreSQL not reachable at ${PG_URL}: ${unreachable}`;
    if (process.env['CI'] === 'true') it('PostgreSQL is reachable (required when CI=true)', () => assert.fail(reason));
    else it('two nodes rotating at once', { skip: reason }, () => undefined);
    return;
  }
  it('two nodes rotating at once end with one current and one next', async () => {
    const schema = await freshPgSchema();
    const nodeA = await openStore({ kind: 'postgres', url: schema.url });
    const nodeB = await openStore({ kind: 'postgres', url: schema.url });
    try {
      await raceRounds(nodeA, nodeB);
    } finally {
      await nodeA.close();
      await nodeB.close();
      await schema.drop();
    }
  });
});
