import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fatalLine } from './fatal.js';

const FATAL = fileURLToPath(new URL('./fatal.js', import.meta.url));

/** A child that installs the monitor, then fails as `how` says, outside any handler. */
function crash(how: string): { status: number | null; lines: Record<string, unknown>[]; stderr: string } {
  const script = `import { installFatalMonitor } from ${JSON.stringify(FATAL)};
installFatalMonitor('agent');
${how}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const lines = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, lines, stderr: r.stderr };
}

describe('installFatalMonitor: an exit nothing planned for leaves a JSON line that says why', () => {
  it('a throw in a timer: one fatal line with the stack, then exit code 1 as before', () => {
    const r = crash(`setTimeout(() => { throw new TypeError('boom in a timer'); }, 1);`);
    assert.equal(r.status, 1);
    assert.equal(r.lines.length, 1, r.stderr);
    const l = r.lines[0]!;
    assert.equal(l['level'], 60);
    assert.equal(l['command'], 'agent');
    assert.equal(l['origin'], 'uncaughtException');
    const err = l['err'] as Record<string, string>;
    assert.equal(err['type'], 'TypeError');
    assert.equal(err['message'], 'boom in a timer');
    assert.match(err['stack']!, /boom in a timer\n\s+at /);
    assert.match(r.stderr, /TypeError: boom in a timer/, "Node's own report follows");
  });

  it('an unhandled rejection', () => {
    const r = crash(`Promise.reject(new RangeError('lost'));`);
    assert.equal(r.status, 1);
    assert.equal(r.lines.length, 1, r.stderr);
    assert.equal(r.lines[0]!['origin'], 'unhandledRejection');
    assert.equal((r.lines[0]!['err'] as Record<string, string>)['message'], 'lost');
  });

  it('a thrown non-Error', () => {
    const r = crash(`setTimeout(() => { throw 42; }, 1);`);
    assert.equal(r.status, 1);
    assert.deepEqual(r.lines[0]!['err'], { type: 'number', message: '42' });
  });

  it('bounds what it echoes: an error message can carry request data', () => {
    const line = JSON.parse(fatalLine('serve', new Error('x'.repeat(100_000)), 'uncaughtException')) as {
      err: { message: string; stack: string };
    };
    assert.ok(line.err.message.length < 8_300 && line.err.message.endsWith('…[truncated]'));
    assert.ok(line.err.stack.length < 8_300);
  });
});
