import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { accessLogger, createLogger } from './log.js';

function sink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

test("access lines go to the logger's destination at its level; other lines keep redaction", () => {
  const s = sink();
  const log = createLogger('info', s.stream).child({ requestId: 'r1' });
  accessLogger(log).info({ method: 'GET', path: '/x', status: 200 }, 'request');
  log.info({ authorization: 'Bearer secret' }, 'other');
  const [access, other] = s.lines();
  assert.deepEqual([access?.msg, access?.path, access?.svc], ['request', '/x', 'openmi']);
  assert.equal(other?.authorization, '[redacted]');

  const quiet = sink();
  accessLogger(createLogger('warn', quiet.stream)).info({ status: 200 }, 'request');
  assert.deepEqual(quiet.lines(), [], 'below the level: nothing written');
});
