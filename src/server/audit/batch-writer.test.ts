import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../kernel/log.js';
import type { AuditAppend, Store } from '../../store/store.js';
import { BatchedAuditWriter } from './batch-writer.js';

/** A store whose transactions only record the batches appended, and when (on a manual clock). */
function recordingStore(clock: { ms: number }) {
  const batches: Array<{ at: number; rows: number }> = [];
  const store = {
    tx: async (fn: (tx: unknown) => Promise<unknown>) =>
      fn({
        audit: {
          append: async (_log: string, rows: readonly AuditAppend[]) =>
            void batches.push({ at: clock.ms, rows: rows.length }),
        },
      }),
  } as unknown as Store;
  return { store, batches };
}

const row = (i: number): AuditAppend => ({ at: i, data: `{"i":${i}}`, keys: {} });
const turn = () => new Promise((r) => setImmediate(r));

test('a row on an idle writer commits at the end of the event-loop turn, not after the interval', async () => {
  const clock = { ms: 1_000 };
  const { store, batches } = recordingStore(clock);
  const w = new BatchedAuditWriter(store, 'signIns', createLogger('silent'), undefined, 10_000, 500, () => clock.ms);
  w.add(row(1));
  w.add(row(2));
  const started = performance.now();
  await w.flushed();
  assert.ok(performance.now() - started < 1_000, 'the interval (10 s here) was not waited out');
  assert.deepEqual(batches, [{ at: 1_000, rows: 2 }], 'rows added in one turn share one commit');
});

test('rows arriving within the interval of the last cut wait for it and then share one batch', async () => {
  const clock = { ms: 0 };
  const { store, batches } = recordingStore(clock);
  const w = new BatchedAuditWriter(store, 'signIns', createLogger('silent'), undefined, 40, 500, () => clock.ms);
  w.add(row(1));
  await w.flushed();
  clock.ms = 5;
  w.add(row(2));
  await turn();
  await turn();
  w.add(row(3));
  assert.equal(batches.length, 1, 'the second batch waits until 40 ms after the first cut');
  clock.ms = 40;
  await w.flushed();
  assert.deepEqual(
    batches.map((b) => b.rows),
    [1, 2],
  );
  clock.ms = 100;
  w.add(row(4));
  await w.flushed();
  assert.deepEqual(
    batches.map((b) => b.rows),
    [1, 2, 1],
    'idle again: the next row goes at once',
  );
});

test('maxRows cuts a batch at once, and close writes what is queued', async () => {
  const clock = { ms: 0 };
  const { store, batches } = recordingStore(clock);
  const w = new BatchedAuditWriter(store, 'signIns', createLogger('silent'), undefined, 60_000, 3, () => clock.ms);
  w.add(row(1));
  await w.flushed();
  for (let i = 2; i <= 5; i++) w.add(row(i));
  await turn();
  assert.deepEqual(
    batches.map((b) => b.rows),
    [1, 3],
    'the full batch went without waiting the minute',
  );
  await w.close();
  assert.deepEqual(
    batches.map((b) => b.rows),
    [1, 3, 1],
  );
});
