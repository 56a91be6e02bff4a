import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { httpsRequest, type HttpsResponse } from '../../../test/helpers/https.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import type { AuditEntryRecord } from '../../store/records.js';
import { ACTIVITY_FIELD_BOUNDS, ANONYMOUS_ROW_MAX_BYTES, DETAIL_STRING_BOUND, SIGN_IN_FIELD_BOUNDS } from './bounds.js';
import { parseActivity } from './activity.js';
import { parseSignIn } from './sign-in-log.js';
import { FLOOD_LIMITS } from './sign-in-flood.js';

const MiB = 1024 * 1024;
const big = (c = 'x') => c.repeat(3 * MiB);
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Stored text of a row: what the bound in docs/audit.md counts. */
const rowBytes = (r: AuditEntryRecord): number =>
  Buffer.byteLength(r.data) +
  Object.values(r.keys).reduce((n, v) => n + Buffer.byteLength(v), 0) +
  Buffer.byteLength(r.hash) +
  Buffer.byteLength(r.prevHash) +
  16;

/** Bytes the sign-in table and its indexes take on disk (pages), as the database reports them. */
async function physicalBytes(t: TestServer, spec: string): Promise<number> {
  if (spec === 'sqlite') {
    const db = new Database(join(t.dataDir, 'openmi.db'));
    try {
      const r = db.prepare("SELECT SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'sign_in_log%'").get() as { n: number };
      return r.n;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: spec });
  await c.connect();
  try {
    return Number((await c.query("SELECT pg_total_relation_size('sign_in_log') AS n")).rows[0].n);
  } finally {
    await c.end();
  }
}

/**
 * Anonymous token requests whose every field can be as large as the server accepts: 3 MiB
 * bodies (maxBodyBytes is 4 MiB), 8 KiB headers and 7 KiB paths (Node's header limit is 16 KiB).
 */
function hostileRequests(
  tenant: string,
  adminClientId: string,
): { path: string; body: string; headers?: Record<string, string> }[] {
  const v2 = `/${tenant}/oauth2/v2.0/token`;
  const v1 = `/${tenant}/oauth2/token`;
  const scope = 'scope=https%3A%2F%2Fvault.azure.net%2F.default';
  const cc = 'grant_type=client_credentials';
  return [
    { path: v2, body: `${cc}&${scope}&client_secret=s&client_id=${big()}` },
    { path: v2, body: `${cc}&${scope}&client_secret=s&client_id=${big('€').slice(0, MiB)}` },
    { path: v2, body: `${cc}&${scope}&client_secret=s&client_id=%00%1b%5B31m%E2%80%AE${big()}` },
    {
      path: v2,
      body: `${cc}&${scope}&client_id=${randomUUID()}&client_assertion_type=${ASSERTION_TYPE}&client_assertion=${big()}`,
    },
    { path: v2, body: `${cc}&client_secret=s&client_id=${randomUUID()}&scope=${big()}` },
    { path: v2, body: `${cc}&client_secret=s&client_id=${randomUUID()}&scope=${big()}%2F.default` },
    { path: v1, body: `${cc}&client_secret=s&client_id=${randomUUID()}&resource=${big()}` },
    { path: v2, body: `grant_type=${big()}&${scope}&client_secret=s&client_id=${randomUUID()}` },
    {
      path: v2,
      body: `grant_type=urn:openmi:params:oauth:grant-type:login-link&${scope}&client_id=${randomUUID()}&code=${big()}`,
    },
    { path: v2, body: `${cc}&${scope}&client_id=${adminClientId}&client_secret=${big()}` },
    // 7 KiB: the listener answers 414 to targets past maxUrlBytes (8 KiB) before any row is built.
    {
      path: `/${'t'.repeat(7 * 1024)}/oauth2/v2.0/token`,
      body: `${cc}&${scope}&client_secret=s&client_id=${randomUUID()}`,
    },
    {
      path: v2,
      body: `${cc}&${scope}&client_secret=s&client_id=${big()}`,
      headers: { 'user-agent': 'u'.repeat(8 * 1024) },
    },
    {
      path: v2,
      body: `${cc}&${scope}&client_secret=s&client_id=${randomUUID()}`,
      headers: { 'x-ms-correlation-request-id': 'c'.repeat(8 * 1024) },
    },
    { path: v2, body: `${cc}&${scope}`, headers: { authorization: `Basic ${'%'.repeat(8 * 1024)}` } },
    {
      path: v2,
      body: `${cc}&${scope}`,
      headers: { authorization: `Basic ${Buffer.from(`${'%zz'.repeat(2000)}:x`).toString('base64')}` },
    },
    {
      path: v2,
      body: `${cc}&${scope}&client_secret=s&client_id=${randomUUID()}&${big('y')}=${big('z').slice(0, 100)}`,
    },
    {
      path: v1,
      body: `${cc}&client_secret=s&client_id=${big('€').slice(0, MiB)}&resource=${big('€').slice(0, 200_000)}`,
    },
    { path: v2, body: `${cc}&${scope}&client_id=${big()}&client_assertion_type=${big()}` },
    { path: v2, body: `${cc}&${scope}&client_secret=s&client_id=line1%0D%0Aforged%20row%E2%80%A8${big()}` },
    { path: v1, body: `${cc}&client_secret=s&client_id=${randomUUID()}&resource=${'r'.repeat(400)}%20${big()}` },
  ];
}

await forEachStore((kind, storeSpec) => {
  describe(`anonymous token requests cannot fill the store (${kind})`, () => {
    let t: TestServer;
    let spec: { spec: string; drop: () => Promise<void> };
    const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<HttpsResponse> =>
      httpsRequest(`${t.server.baseUrl}${path}`, {
        method: 'POST',
        ca: t.ca,
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
    const newRows = async (afterSeq: number) => t.server.store.audit.scan('signIns', afterSeq, 100_000);
    /** The newest row's seq: rows appended later have higher ones. */
    const lastSeq = async (log: 'activity' | 'signIns') =>
      (await t.server.store.audit.query(log, {}, 1)).items[0]?.seq ?? 0;
    const verified = async () => (await t.arm('POST', '/providers/OpenMI.Audit/verify?api-version=2025-01-01')).json;

    before(async () => {
      spec = await storeSpec();
      t = await startTestServer({ store: spec.spec });
      await t.adminToken();
    });
    after(async () => {
      await t.stop();
      await spec.drop();
    });

    it('20 requests with 3 MiB fields are refused with 4xx and grow the sign-in log by at most 20 bounded rows', async () => {
      const head = await lastSeq('signIns');
      const physical = await physicalBytes(t, spec.spec);
      const requests = hostileRequests(t.creds.tenantId, t.creds.clientId);
      assert.equal(requests.length, 20);
      for (const r of requests) {
        const res = await post(r.path, r.body, r.headers);
        assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text.slice(0, 300)}`);
        assert.ok(res.text.length < 4096, `the error does not echo the input (${res.text.length} bytes)`);
      }
      const rows = await newRows(head);
      assert.equal(rows.length, 20, 'one row per request');
      const logical = rows.reduce((n, r) => n + rowBytes(r), 0);
      const grown = (await physicalBytes(t, spec.spec)) - physical;
      const bound = 20 * ANONYMOUS_ROW_MAX_BYTES;
      assert.ok(logical <= bound, `stored text ${logical} bytes > ${bound}`);
      assert.ok(grown <= bound, `the table and its indexes grew by ${grown} bytes > ${bound}`);
      for (const r of rows) {
        const e = parseSignIn(r) as unknown as Record<string, unknown>;
        for (const [field, max] of Object.entries(SIGN_IN_FIELD_BOUNDS)) {
          const v = e[field];
          assert.ok(
            v === null || (typeof v === 'string' && v.length <= max && !CONTROL.test(v)),
            `${field}: ${String(v).slice(0, 100)}`,
          );
        }
      }
      const cut = rows.map((r) => parseSignIn(r).clientId ?? '').filter((c) => c.includes('…[cut'));
      assert.ok(cut.length >= 5, 'long client ids are kept, cut with a marker');
      assert.equal((await verified()).ok, true);
    });

    it('a flood of refusals from changing client ids is folded: bounded rows, every request counted, the chain verifies', async () => {
      const head = await lastSeq('signIns');
      const n = 400;
      const started = Date.now();
      let next = 0;
      const statuses: number[] = [];
      const worker = async () => {
        while (next < n) {
          next++;
          const r = await post(
            `/${t.creds.tenantId}/oauth2/v2.0/token`,
            `grant_type=client_credentials&scope=https%3A%2F%2Fvault.azure.net%2F.default&client_secret=s&client_id=${randomUUID()}${'x'.repeat(1000)}`,
          );
          statuses.push(r.status);
        }
      };
      await Promise.all(Array.from({ length: 40 }, worker));
      const seconds = Math.ceil((Date.now() - started) / 1000);
      assert.deepEqual([...new Set(statuses)], [400], 'unknown clients, refused; never throttled or failed');
      const rows = await newRows(head);
      const counted = rows.reduce((sum, r) => sum + Number(r.keys['requests']), 0);
      assert.equal(counted, n, 'every answered request is counted in a row');
      const { rows: rate } = FLOOD_LIMITS;
      const allowed = rate.burst + rate.perSecond * seconds + (seconds + 1);
      assert.ok(rows.length <= allowed, `${rows.length} rows for ${n} requests in ${seconds} s (at most ${allowed})`);
      assert.ok(rows.length < n, 'some were folded');
      const folded = rows.map(parseSignIn).filter((e) => (e.count ?? 1) > 1);
      assert.ok(
        folded.length >= 1 && folded.every((e) => e.clientId === null && e.errorCode === 'unauthorized_client'),
        'a folded row does not claim one client',
      );
      const logical = rows.reduce((sum, r) => sum + rowBytes(r), 0);
      assert.ok(logical <= rows.length * ANONYMOUS_ROW_MAX_BYTES);
      const listed = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01&result=failure');
      const wire = (listed.json.value as Record<string, unknown>[]).find((s) => Number(s['requestCount']) > 1);
      assert.ok(
        wire && typeof wire['lastDateTime'] === 'string',
        'the sign-in log API says how many requests a folded row stands for',
      );
      assert.equal((await verified()).ok, true);
    });

    it('a failed control-plane write with a 7 KiB path and a 3 MiB body is one bounded activity row', async () => {
      const head = await lastSeq('activity');
      // Under maxUrlBytes (8 KiB), so the write reaches the ARM surface and its failure row.
      const path = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/${'g'.repeat(7 * 1024)}%0A%00?api-version=2025-04-01`;
      const r = await t.arm('PUT', path, `{"location": "${big()}`);
      assert.equal(r.status, 400, r.text.slice(0, 300));
      const rows = await t.server.store.audit.scan('activity', head, 100);
      assert.equal(rows.length, 1);
      const e = parseActivity(rows[0]!);
      assert.equal(e.status, 'Failed');
      assert.ok(
        e.resourceId.length <= ACTIVITY_FIELD_BOUNDS.resourceId && e.resourceId.includes('…[cut'),
        e.resourceId.slice(-40),
      );
      const message = (e.detail as { error: { message: string } }).error.message;
      assert.ok(message.length <= DETAIL_STRING_BOUND && !CONTROL.test(message));
      assert.ok(rowBytes(rows[0]!) <= 32 * 1024, `${rowBytes(rows[0]!)} bytes`);
      assert.equal((await verified()).ok, true);
    });
  });
});
