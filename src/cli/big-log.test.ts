import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { signInAppend } from '../server/audit/sign-in-log.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

const ROWS = 150_000;
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Appends `n` sign-ins straight through the store, in big transactions (fast: no HTTP, no minting). */
async function bulkSignIns(t: TestServer, n: number): Promise<void> {
  const at = Date.now() - n;
  for (let done = 0; done < n;) {
    const batch = Math.min(10_000, n - done);
    const rows = Array.from({ length: batch }, (_, i) =>
      signInAppend({
        at: at + done + i,
        correlationId: `c-${done + i}`,
        flow: 'clientCredentials',
        principalId: null,
        clientId: `app-${(done + i) % 7}`,
        identityResourceId: null,
        callingResourceId: null,
        agentId: null,
        audience: 'https://management.azure.com/',
        result: 'failure',
        errorCode: 'invalid_client',
        reason: 'bulk test row',
        latencyMs: 1,
      }),
    );
    await t.server.store.tx((tx) => tx.audit.append('signIns', rows));
    done += batch;
  }
}

/**
 * Runs the CLI with a small heap, counting stdout lines without keeping them: a CLI that held
 * the whole log (or spread it into one call) fails here.
 */
function runCounting(args: string[]): Promise<{ code: number; lines: number; first: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=64', '--stack-size=984', MAIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let [lines, first, stderr] = [0, '', ''];
    child.stdout.on('data', (c: Buffer) => {
      if (first.length < 4096) first += c.toString('utf8');
      for (const b of c) if (b === 0x0a) lines++;
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code: code ?? 1, lines, first, stderr }));
  });
}

describe(`the CLI on a sign-in log of ${ROWS} rows (SQLite)`, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await bulkSignIns(t, ROWS);
  });
  after(() => t.stop());

  it('signins list --jsonl streams every row, one per line, in bounded memory', async () => {
    const r = await runCounting(['signins', 'list', '--jsonl', '--data-dir', t.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    // The CLI's own token requests add a few rows of their own.
    assert.ok(r.lines >= ROWS && r.lines < ROWS + 20, `${r.lines} lines`);
    assert.ok(r.first.includes(`"correlationId":"c-${ROWS - 1}"`), 'newest first');
  });

  it('signins list (table) streams a header, a rule and every row', async () => {
    const r = await runCounting(['signins', 'list', '--data-dir', t.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.lines >= ROWS + 2 && r.lines < ROWS + 22, `${r.lines} lines`);
    assert.match(r.first, /^time\s+flow\s+result/);
  });

  it('signins list -o json is one JSON array of every row', async () => {
    const r = await runCounting(['signins', 'list', '-o', 'json', '--data-dir', t.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.first.startsWith('[\n  {\n'), r.first.slice(0, 40));
  });

  it('the verify API checks a bounded number of rows per request and links to the rest', async () => {
    const r = await t.arm('POST', '/providers/OpenMI.Audit/verify?api-version=2025-01-01');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.progress.log, 'signIns');
    assert.ok(r.json.progress.rows < ROWS && typeof r.json.nextLink === 'string', r.text.slice(0, 300));
  });

  it('audit verify walks the whole log and says it is intact', async () => {
    const r = await runCounting(['audit', 'verify', '-o', 'json', '--data-dir', t.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const signIns = (JSON.parse(r.first) as { value: { log: string; ok: boolean; rows: number }[] }).value.find(
      (v) => v.log === 'signIns',
    );
    assert.equal(signIns?.ok, true);
    assert.ok(signIns!.rows >= ROWS);
  });
});
