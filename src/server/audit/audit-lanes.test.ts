import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../store/open-store.js';
import type { AuditLogName } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { assertLanesChained, whileLaneHeld, within } from '../../../test/helpers/audit-lanes.js';
import { describeOnPostgres, freshPgSchema } from '../../../test/helpers/postgres.js';
import { activityAppend } from './activity.js';
import { signInAppend } from './sign-in-log.js';
import type { SignInEvent } from './sign-ins.js';
import { verifyLog, verifyLogChunk, type VerifyCursor, type VerifyResult } from './verify.js';

const T0 = Date.UTC(2026, 0, 1);

const change = (i: number) =>
  activityAppend({
    operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/write',
    resourceId: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u${i}`,
    status: 'Succeeded',
    actor: { principalId: 'admin', correlationId: `corr-${i}` },
    at: T0 + i,
  });

const signIn = (i: number) =>
  signInAppend({
    at: T0 + i,
    correlationId: `c-${i}`,
    flow: 'clientCredentials',
    principalId: 'p',
    clientId: 'c',
    identityResourceId: null,
    callingResourceId: null,
    agentId: null,
    audience: 'https://vault.azure.net',
    result: 'success',
    errorCode: null,
    reason: null,
    latencyMs: 1,
  } satisfies SignInEvent);

const rowsOf = (log: AuditLogName, from: number, n: number) =>
  Array.from({ length: n }, (_v, i) => (log === 'activity' ? change(from + i) : signIn(from + i)));

/** Both logs, walked whole and two rows at a time (as the verify API resumes from its cursors). */
async function verifyBoth(store: Store): Promise<VerifyResult[]> {
  const out: VerifyResult[] = [];
  for (const log of ['activity', 'signIns'] as const) {
    const whole = await verifyLog(store, log);
    let from: VerifyCursor | undefined;
    for (;;) {
      const r = await verifyLogChunk(store, log, { ...(from ? { from } : {}), maxRows: 2, pageSize: 2 });
      if ('ok' in r) {
        assert.deepEqual(r, whole, 'a walk resumed from cursors finds the same');
        break;
      }
      from = r;
    }
    out.push(whole);
  }
  return out;
}

await describeOnPostgres('audit lanes: nodes sharing one PostgreSQL append without waiting for each other', () => {
  let schema: { url: string; drop: () => Promise<void> };
  let nodeA: Store;
  let nodeB: Store;
  before(async () => {
    schema = await freshPgSchema();
    nodeA = await openStore({ kind: 'postgres', url: schema.url });
    nodeB = await openStore({ kind: 'postgres', url: schema.url });
  });
  after(async () => {
    await nodeA.close();
    await nodeB.close();
    await schema.drop();
  });

  it("node B's appends to both logs commit while node A holds an open append on each", async () => {
    await whileLaneHeld(nodeA, 'activity', rowsOf('activity', 0, 3), () =>
      whileLaneHeld(nodeA, 'signIns', rowsOf('signIns', 0, 3), () =>
        within(
          nodeB.tx(async (tx) => {
            await tx.audit.append('activity', rowsOf('activity', 10, 3));
            await tx.audit.append('signIns', rowsOf('signIns', 10, 3));
          }),
          "node B's append",
        ),
      ),
    );
    const results = await verifyBoth(nodeA);
    assert.deepEqual(
      results.map((r) => [r.log, r.ok, r.rows, r.lanes]),
      [
        ['activity', true, 6, 2],
        ['signIns', true, 6, 2],
      ],
    );
  });

  it('many appends at once on both nodes: every row lands once, every lane chains, both logs verify', async () => {
    const before = await verifyBoth(nodeB);
    const rounds = Array.from({ length: 6 }, (_v, i) => i);
    await Promise.all(
      [nodeA, nodeB].flatMap((node, n) =>
        rounds.map((i) =>
          node.tx(async (tx) => {
            await tx.audit.append('activity', rowsOf('activity', 1000 + n * 100 + i * 10, 2));
            await tx.audit.append('signIns', rowsOf('signIns', 1000 + n * 100 + i * 10, 5));
          }),
        ),
      ),
    );
    const results = await verifyBoth(nodeB);
    assert.deepEqual(
      results.map((r) => [r.log, r.ok, r.rows - before.find((b) => b.log === r.log)!.rows]),
      [
        ['activity', true, 24],
        ['signIns', true, 60],
      ],
    );
    for (const log of ['activity', 'signIns'] as const) await assertLanesChained(nodeA, log);
    const seqs = (await nodeA.audit.scan('signIns', 0, 1000)).map((r) => r.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'global seqs are unique');
  });
});

/** Raw SQL on the log, as an attacker with database access would run it. */
type Tamper = (c: pg.Client) => Promise<unknown>;

const LANE_CASES: { name: string; edit: Tamper; expect: { lane: number; seq: number; kind: string } }[] = [
  {
    name: 'an edited row of lane 1',
    edit: (c) => c.query(`UPDATE activity_log SET data = REPLACE(data, 'u11', 'evil') WHERE lane = 1 AND lane_seq = 2`),
    expect: { lane: 1, seq: 2, kind: 'edited' },
  },
  {
    name: 'a deleted row of lane 1',
    edit: (c) => c.query('DELETE FROM activity_log WHERE lane = 1 AND lane_seq = 2'),
    expect: { lane: 1, seq: 3, kind: 'deleted' },
  },
  {
    name: 'a truncated tail of lane 1',
    edit: (c) => c.query('DELETE FROM activity_log WHERE lane = 1 AND lane_seq = 3'),
    expect: { lane: 1, seq: 3, kind: 'deleted' },
  },
  {
    name: 'the removed head of lane 0 (lane 1 still there)',
    edit: (c) => c.query(`DELETE FROM audit_heads WHERE log = 'activity' AND lane = 0`),
    expect: { lane: 0, seq: 0, kind: 'deleted' },
  },
  {
    name: 'the removed head of the last lane, its rows left',
    edit: (c) => c.query(`DELETE FROM audit_heads WHERE log = 'activity' AND lane = 1`),
    expect: { lane: 1, seq: 1, kind: 'deleted' },
  },
  {
    name: 'a row moved from lane 1 to the end of lane 0',
    edit: (c) => c.query('UPDATE activity_log SET lane = 0, lane_seq = 4 WHERE lane = 1 AND lane_seq = 3'),
    expect: { lane: 0, seq: 4, kind: 'inserted' },
  },
];

await describeOnPostgres('audit verify finds tampering in any lane (postgres)', () => {
  LANE_CASES.forEach((c) => {
    it(`names ${c.name}`, async () => {
      const s = await freshPgSchema();
      const [a, b] = [
        await openStore({ kind: 'postgres', url: s.url }),
        await openStore({ kind: 'postgres', url: s.url }),
      ];
      const client = new pg.Client({ connectionString: s.url });
      try {
        await whileLaneHeld(a, 'activity', rowsOf('activity', 0, 3), () =>
          b.tx((tx) => tx.audit.append('activity', rowsOf('activity', 10, 3))),
        );
        assert.deepEqual(
          (await verifyBoth(a)).map((r) => [r.ok, r.lanes]),
          [
            [true, 2],
            [true, 1],
          ],
        );
        await client.connect();
        await c.edit(client);
        const [r] = await verifyBoth(a);
        assert.equal(r!.ok, false);
        assert.deepEqual(
          { lane: r!.broken!.lane, seq: r!.broken!.seq, kind: r!.broken!.kind },
          c.expect,
          r!.broken!.reason,
        );
      } finally {
        await client.end();
        await a.close();
        await b.close();
        await s.drop();
      }
    });
  });
});
