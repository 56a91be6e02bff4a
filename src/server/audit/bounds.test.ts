import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignInEvent } from './sign-ins.js';
import { activityAppend } from './activity.js';
import {
  ANONYMOUS_ROW_MAX_BYTES,
  boundDetail,
  boundText,
  DETAIL_JSON_BOUND,
  SIGN_IN_FIELD_BOUNDS,
  SIGN_IN_ROW_MAX_BYTES,
} from './bounds.js';
import { signInAppend } from './sign-in-log.js';

const rowBytes = (a: { data: string; keys: Record<string, string> }): number =>
  Buffer.byteLength(a.data) + Object.values(a.keys).reduce((n, v) => n + Buffer.byteLength(v), 0) + 2 * 64 + 16;

const worst = '€'.repeat(4 * 1024 * 1024);
const event = (o: Partial<SignInEvent> = {}): SignInEvent => ({
  at: 1,
  correlationId: 'c',
  flow: 'clientCredentials',
  principalId: null,
  clientId: null,
  identityResourceId: null,
  callingResourceId: null,
  agentId: null,
  audience: null,
  result: 'failure',
  errorCode: 'invalid_client',
  reason: null,
  latencyMs: 1,
  ...o,
});

describe('audit bounds', () => {
  it('keeps short text as it is, and cuts long text to the bound with a marker', () => {
    assert.equal(boundText('https://vault.azure.net', 512), 'https://vault.azure.net');
    const cut = boundText('a'.repeat(3 * 1024 * 1024), 200);
    assert.equal(cut.length, 200);
    assert.match(cut, /^a+…\[cut, 3145728 chars\]$/);
  });

  it('neutralises control characters, line separators, bidi overrides and lone surrogates', () => {
    assert.equal(boundText('a\u0000b\u001bc\u007fd\u0085e', 100), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    assert.equal(boundText('line\r\nforged\ttab', 100), 'line  forged tab');
    assert.equal(boundText('x\u2028y\u202Ez\u2066', 100), 'x\uFFFDy\uFFFDz\uFFFD');
    assert.equal(boundText('lone \ud800 and \udfff', 100), 'lone \uFFFD and \uFFFD');
    const pair = `${'a'.repeat(10)}😀${'b'.repeat(500)}`;
    const cut = boundText(pair, 30);
    assert.ok(!/[\ud800-\udfff]/.test(cut.replace(/😀/g, '')), 'a cut through a surrogate pair leaves no half');
  });

  it('bounds every string, key and level of a detail, then the whole', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 'deep' } } } } } } };
    assert.deepEqual(boundDetail(deep), { a: { b: { c: { d: { e: { f: '…[nested too deep]' } } } } } });
    const d = boundDetail({ ['k'.repeat(500)]: 'v'.repeat(5000) });
    const [k, v] = Object.entries(d)[0]!;
    assert.equal(k.length, 200);
    assert.equal((v as string).length, 1024);
    const big = boundDetail({ many: Array.from({ length: 1000 }, () => 'x'.repeat(1000)) });
    assert.deepEqual(Object.keys(big), ['truncated']);
    assert.equal((big['truncated'] as string).length, DETAIL_JSON_BOUND);
  });

  it('a sign-in row with every field at its worst stays within the documented bytes', () => {
    const all = Object.fromEntries(
      Object.keys(SIGN_IN_FIELD_BOUNDS).map((k) => [k, worst]),
    ) as unknown as Partial<SignInEvent>;
    const row = signInAppend(event({ ...all, count: 123_456, lastAt: 2 }));
    assert.ok(rowBytes(row) <= SIGN_IN_ROW_MAX_BYTES, `${rowBytes(row)} bytes`);
    const anonymous = signInAppend(
      event({
        correlationId: 'c'.repeat(128),
        clientId: worst,
        audience: worst,
        reason: worst,
        errorCode: 'unsupported_grant_type',
      }),
    );
    assert.ok(rowBytes(anonymous) <= ANONYMOUS_ROW_MAX_BYTES, `${rowBytes(anonymous)} bytes`);
    const parsed = JSON.parse(anonymous.data) as SignInEvent;
    assert.equal(parsed.clientId!.length, SIGN_IN_FIELD_BOUNDS.clientId);
    assert.equal(
      anonymous.keys['client_key'],
      parsed.clientId!.toLowerCase(),
      'filter columns hold the cut value, as verify re-derives them',
    );
  });

  it('an activity row of a failed call is bounded the same way', () => {
    const row = activityAppend(
      {
        operation: worst,
        resourceId: `/subscriptions/${worst}`,
        status: 'Failed',
        actor: { principalId: worst, correlationId: worst },
        at: 1,
        detail: { error: { code: worst, message: worst } },
      },
      400,
    );
    assert.ok(
      Buffer.byteLength(row.data) + Object.values(row.keys).reduce((n, v) => n + Buffer.byteLength(v), 0) <= 32 * 1024,
    );
  });
});
