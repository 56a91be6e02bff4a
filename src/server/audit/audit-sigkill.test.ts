import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AuditLogName } from '../../store/records.js';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { httpsRequest } from '../../../test/helpers/https.js';
import { spawnServe } from '../../../test/helpers/serve-child.js';
import { startTestServer } from '../../../test/helpers/server.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { verifyLog } from './verify.js';

/** Answered correlation ids: successes and writes must each have a row; refusals may be folded. */
type Acked = Record<AuditLogName, string[]> & { refused: string[] };

/**
 * Workers that send token requests (some refused) and ARM writes until `stop`, noting every
 * answered correlation id. Refusals use a new client id each, and four more workers repeat one
 * refusal (a wrong admin secret). The flood control gives refusals their own rows only within a
 * budget per source and overall (bursts of 10 and 200, docs/audit.md); past it they are folded
 * into counted rows, so a refusal is checked by count, a success by its own row.
 */
async function drive(
  acked: Acked,
  baseUrl: string,
  ca: string,
  creds: { tenantId: string; clientId: string; clientSecret: string; subscriptionId: string },
  stop: () => boolean,
): Promise<Acked> {
  const form = (secret: string, clientId = creds.clientId) =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      resource: baseUrl,
    }).toString();
  const tokenUrl = `${baseUrl}/${creds.tenantId}/oauth2/token`;
  const first = await httpsRequest(tokenUrl, {
    method: 'POST',
    ca,
    body: form(creds.clientSecret),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const bearer = first.json.access_token as string;
  const token = async (id: string, body: string) =>
    httpsRequest(tokenUrl, {
      method: 'POST',
      ca,
      body,
      headers: { 'x-ms-correlation-request-id': id, 'content-type': 'application/x-www-form-urlencoded' },
    });
  const worker = async (w: number) => {
    for (let i = 0; !stop(); i++) {
      const id = randomUUID();
      try {
        if (i % 3 === 2) {
          const r = await httpsRequest(
            `${baseUrl}/subscriptions/${creds.subscriptionId}/resourceGroups/rg-${w}-${i}?api-version=2025-04-01`,
            {
              method: 'PUT',
              ca,
              body: '{"location":"local"}',
              headers: {
                'x-ms-correlation-request-id': id,
                authorization: `Bearer ${bearer}`,
                'content-type': 'application/json',
              },
            },
          );
          if (r.status < 300) acked.activity.push(id);
        } else {
          const refusal = i % 3 === 1;
          const r = await token(id, refusal ? form('wrong', randomUUID()) : form(creds.clientSecret));
          if (!refusal && r.status === 200) acked.signIns.push(id);
          if (refusal && r.status === 400) acked.refused.push(id);
        }
      } catch {
        return; // the server died under us: this request was never acknowledged
      }
    }
  };
  const repeater = async () => {
    while (!stop()) {
      const id = randomUUID();
      try {
        if ((await token(id, form('wrong'))).status === 401) acked.refused.push(id);
      } catch {
        return;
      }
    }
  };
  await Promise.all([...Array.from({ length: 16 }, (_v, w) => worker(w)), ...Array.from({ length: 4 }, repeater)]);
  return acked;
}

await forEachStore((kind, storeSpec) => {
  describe(`audit durability under SIGKILL (${kind})`, () => {
    it('every acknowledged token request and control-plane write has its row after a kill -9 and restart', async () => {
      const s = await storeSpec();
      const dataDir = mkdtempSync(join(tmpdir(), 'openmi-kill-'));
      try {
        const { child, baseUrl, ca, creds } = await spawnServe(dataDir, s.spec);
        let killed = false;
        const progress: Acked = { activity: [], signIns: [], refused: [] };
        const load = drive(progress, baseUrl, ca, creds, () => killed);
        // Kill once enough has been acknowledged to prove something (a loaded CI machine answers
        // fewer requests per second).
        try {
          await waitFor(() => progress.signIns.length > 50 && progress.activity.length > 10, {
            what: 'more than 50 acknowledged sign-ins and 10 writes',
            timeoutMs: 30_000,
            intervalMs: 50,
          });
        } finally {
          child.kill('SIGKILL');
          killed = true;
        }
        const acked = await load;
        await new Promise((r) =>
          child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
        );
        assert.ok(
          acked.signIns.length > 50 && acked.activity.length > 10,
          `too little load to prove anything: ${JSON.stringify({ s: acked.signIns.length, a: acked.activity.length })}`,
        );
        const t = await startTestServer({ dataDir, store: s.spec });
        try {
          for (const log of ['activity', 'signIns'] as const) {
            const rows = await t.server.store.audit.scan(log, 0, 1_000_000);
            const have = new Set(rows.map((r) => (JSON.parse(r.data) as { correlationId: string }).correlationId));
            const missing = acked[log].filter((id) => !have.has(id));
            assert.deepEqual(
              missing,
              [],
              `${log}: ${missing.length} of ${acked[log].length} acknowledged requests have no row`,
            );
            assert.equal((await verifyLog(t.server.store, log)).ok, true);
            if (log !== 'signIns') continue;
            // A folded refusal has no row of its own, but was answered only once a row counting it was committed.
            const counted = rows
              .map((r) => JSON.parse(r.data) as { count?: number })
              .reduce((n, e) => n + (e.count ?? 0), 0);
            const uncounted = acked.refused.filter((id) => !have.has(id)).length;
            assert.ok(
              uncounted <= counted,
              `${uncounted} acknowledged refusals have no row, and folded rows count only ${counted}`,
            );
          }
        } finally {
          await t.stop();
        }
      } finally {
        await s.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
