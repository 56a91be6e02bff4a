import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { forEachStore } from '../helpers/postgres.js';
import { fuzzSession, summary, type SessionResult } from './session.js';

/**
 * The fuzz suite (docs/security.md): 20,000 malformed requests per store across every surface of real
 * `openmi serve`, `openmi agent` and `openmi gate` processes. OPENMI_FUZZ_REQUESTS and
 * OPENMI_FUZZ_SEED override (the seed of a failing run is printed; `npm run fuzz` soaks longer).
 */
const REQUESTS = Number(process.env['OPENMI_FUZZ_REQUESTS'] ?? 20_000);
const SEED = Number(process.env['OPENMI_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
/** Stated bound on each process's RSS growth after a 1,000-request warm-up (observed: 10–50 MiB). */
export const RSS_GROWTH_BOUND = 160 * 1024 * 1024;
/** Loose bound on the SQLite store's growth (sign-in and activity rows); the sign-in log's own bound is in docs/audit.md. */
export const STORE_GROWTH_BOUND = 64 * 1024 * 1024;

function check(r: SessionResult): void {
  const rep = r.report;
  const show = (fs: Array<{ surface: string; what: string; request: string }>) =>
    fs
      .slice(0, 5)
      .map((f) => `${f.surface}: ${f.what}: ${f.request.slice(0, 500)}`)
      .join('\n');
  assert.deepEqual(r.died, [], `no process exits:\n${r.deaths.join('\n')}`);
  assert.equal(rep.stoppedBecause, undefined);
  assert.equal(rep.sent, REQUESTS, 'every request was sent');
  assert.equal(rep.serverErrors.length, 0, `5xx other than 503:\n${show(rep.serverErrors)}`);
  assert.equal(rep.hangs.length, 0, `unanswered requests:\n${show(rep.hangs)}`);
  assert.equal(rep.dropped.length, 0, `well-formed requests closed without an answer:\n${show(rep.dropped)}`);
  for (const [name, v] of Object.entries(r.errorLogs))
    assert.equal(v.count, 0, `${name} logged errors:\n${v.first.join('\n')}`);
  for (const [name, status] of Object.entries(r.health)) assert.equal(status, 200, `${name} after the fuzz`);
  assert.equal(r.auditVerify.code, 0, `openmi audit verify: ${r.auditVerify.output}`);
  for (const [name, { before, after }] of Object.entries(r.rss)) {
    if (before !== undefined && after !== undefined)
      assert.ok(after - before <= RSS_GROWTH_BOUND, `${name} RSS grew ${((after - before) / 1048576).toFixed(1)} MiB`);
  }
  if (r.storeBytes)
    assert.ok(
      r.storeBytes.after - r.storeBytes.before <= STORE_GROWTH_BOUND,
      `the store grew ${r.storeBytes.after - r.storeBytes.before} bytes`,
    );
}

await forEachStore((kind, storeSpec) => {
  describe(`fuzz suite on ${kind}`, () => {
    it(`${REQUESTS} malformed requests on every surface: no crash, no hang, no 5xx but 503, bounded memory; healthy and verifiable after`, async (t) => {
      const spec = await storeSpec();
      try {
        const r = await fuzzSession({ store: spec.spec, requests: REQUESTS, seed: SEED, concurrency: 16 });
        for (const line of `seed ${SEED}\n${summary(kind, r)}`.split('\n')) t.diagnostic(line);
        const findings = join(tmpdir(), `openmi-fuzz-${kind}-${SEED}.json`);
        writeFileSync(findings, JSON.stringify(r, null, 2));
        t.diagnostic(`full results: ${findings}`);
        check(r);
        rmSync(findings);
      } finally {
        await spec.drop();
      }
    });
  });
});
