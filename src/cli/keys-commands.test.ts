import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { cliFor, runCli, tableRows } from '../../test/helpers/cli-harness.js';

interface KeyRow {
  kid: string;
  status: string;
  retiredAt: string | null;
}

describe('openmi keys (over the ARM wire)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  it('lists the keys, rotates, and lists the rotated slots', async () => {
    const cli = cliFor(t);
    const before = await cli.json<KeyRow[]>('keys', 'list');
    assert.deepEqual(before.map((k) => k.status).sort(), ['current', 'next']);
    const current = before.find((k) => k.status === 'current')!.kid;
    const next = before.find((k) => k.status === 'next')!.kid;

    const r = await cli.json<{ retiredKid: string; currentKid: string; nextKid: string }>('keys', 'rotate');
    assert.equal(r.retiredKid, current);
    assert.equal(r.currentKid, next);
    assert.ok(![current, next].includes(r.nextKid));

    const after = await cli.json<KeyRow[]>('keys', 'list');
    const status = Object.fromEntries(after.map((k) => [k.kid, k.status]));
    assert.deepEqual(status, { [current]: 'retired', [next]: 'current', [r.nextKid]: 'next' });
    assert.match(after.find((k) => k.kid === current)!.retiredAt!, /^\d{4}-\d\d-\d\dT/);
  });

  it('prints tables by default', async () => {
    const cli = cliFor(t);
    const out = await cli.ok('keys', 'list');
    assert.match(out.split('\n')[0]!, /^kid\s+status\s+createdAt\s+activatedAt\s+retiredAt\s+publishUntil$/);
    const rows = tableRows(out);
    assert.ok(rows.some((r) => r[1] === 'current') && rows.some((r) => r[1] === 'next'));
    const rotated = tableRows(await cli.ok('keys', 'rotate', '-o', 'table'));
    assert.equal(rotated.length, 1);
    assert.equal(rotated[0]!.length, 3);
    assert.ok(tableRows(await cli.ok('keys', 'list')).some((r) => r[0] === rotated[0]![1] && r[1] === 'current'));
  });

  it('explains an unreachable data directory', async () => {
    const r = await runCli(['keys', 'list', '--data-dir', '/nonexistent-openmi']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /admin credentials/);
  });
});
