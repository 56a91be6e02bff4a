import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MISSED_CHANGES, type ChangeEvent } from '../../src/store/changes.js';
import type { Store } from '../../src/store/store.js';

/** Waits for the first event `seen` accepts, failing after `ms`. */
function next(store: Store, seen: (e: ChangeEvent) => boolean = () => true, ms = 2_000): Promise<ChangeEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no change event within ${ms} ms`))), ms);
    const off = store.changes.subscribe((e) => {
      if (!seen(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/**
 * `openPair` opens two stores on one database, as two nodes would. Events published through one
 * reach the other's subscribers, never the publisher's own, and a committed write's event is
 * seen after the write is readable there.
 */
export function changesContract(openPair: () => Promise<[Store, Store]>): void {
  describe('changes (cross-node notifications)', () => {
    let a: Store;
    let b: Store;
    before(async () => {
      [a, b] = await openPair();
      await Promise.all([a.changes.ready(), b.changes.ready()]);
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    it("delivers one node's event to the other node, with its kind and payload", async () => {
      const got = next(b);
      await a.changes.publish('test', { ids: ['x', 'y'] });
      assert.deepEqual(await got, { kind: 'test', payload: { ids: ['x', 'y'] } });
    });

    it('does not deliver a node its own events', async () => {
      const own: ChangeEvent[] = [];
      const off = a.changes.subscribe((e) => own.push(e));
      const other = next(b, (e) => e.kind === 'own-check');
      await a.changes.publish('own-check', {});
      await other;
      await new Promise((r) => setTimeout(r, 50));
      off();
      assert.deepEqual(
        own.filter((e) => e.kind !== MISSED_CHANGES),
        [],
      );
    });

    it('keeps delivering to other subscribers when one handler throws, and stops after unsubscribe', async () => {
      const offBad = b.changes.subscribe(() => {
        throw new Error('handler bug');
      });
      const got = next(b, (e) => e.kind === 'after-throw');
      await a.changes.publish('after-throw', {});
      await got;
      offBad();
    });

    it('sends an event published in a transaction when it commits, after one sent meanwhile', async () => {
      const seen: string[] = [];
      const off = b.changes.subscribe((e) => seen.push(e.kind));
      const last = next(b, (e) => e.kind === 'tx-last');
      let published!: () => void;
      const inside = new Promise<void>((r) => (published = r));
      let commit!: () => void;
      const committing = new Promise<void>((r) => (commit = r));
      const tx = a.tx(async (t) => {
        await t.changes.publish('tx-committed', { n: 1 });
        published();
        await committing;
      });
      await inside;
      // Sent and received while the transaction is still open: the earlier event must not be ahead of it.
      const outside = next(b, (e) => e.kind === 'outside');
      await a.changes.publish('outside', {});
      await outside;
      commit();
      await tx;
      await a.changes.publish('tx-last', {});
      await last;
      off();
      assert.deepEqual(
        seen.filter((k) => k !== MISSED_CHANGES),
        ['outside', 'tx-committed', 'tx-last'],
      );
    });

    it('never sends an event published in a transaction that rolls back', async () => {
      const seen: string[] = [];
      const off = b.changes.subscribe((e) => seen.push(e.kind));
      const last = next(b, (e) => e.kind === 'after-rollback');
      await assert.rejects(
        a.tx(async (t) => {
          await t.changes.publish('rolled-back', {});
          throw new Error('abort');
        }),
        /abort/,
      );
      await a.tx(async (t) => t.changes.publish('after-rollback', {}));
      await last;
      off();
      assert.deepEqual(
        seen.filter((k) => k !== MISSED_CHANGES),
        ['after-rollback'],
      );
    });

    it('refuses an event too large for a PostgreSQL notification', async () => {
      await assert.rejects(a.changes.publish('big', { ids: ['x'.repeat(9_000)] }), RangeError);
      await assert.rejects(
        a.tx((t) => t.changes.publish('big', { ids: ['x'.repeat(9_000)] })),
        RangeError,
      );
    });
  });
}
