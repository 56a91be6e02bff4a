import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listAll, resolveUrl, type ArmClient } from './arm-client.js';

const BASE = 'https://127.0.0.1:8443';

/** A client that serves canned pages keyed by path or URL, and records what was asked. */
function fakeClient(pages: Record<string, unknown>): ArmClient & { asked: string[] } {
  const asked: string[] = [];
  const request = async <T>(method: string, path: string) => {
    asked.push(`${method} ${path}`);
    return pages[path] as T;
  };
  return {
    baseUrl: BASE,
    subscriptionId: 's',
    dataDir: '/tmp/x',
    asked,
    request,
    call: async <T>(method: string, path: string) => ({ status: 200, body: await request<T>(method, path) }),
    postFormWithToken: () => Promise.reject(new Error('not used by listAll')),
  };
}

describe('listAll', () => {
  it('follows absolute nextLinks with the same method until there is none', async () => {
    const c = fakeClient({
      '/items?api-version=1': { value: [1, 2], nextLink: `${BASE}/items?api-version=1&$skiptoken=a` },
      [`${BASE}/items?api-version=1&$skiptoken=a`]: {
        value: [3],
        nextLink: `${BASE}/items?api-version=1&$skiptoken=b`,
      },
      [`${BASE}/items?api-version=1&$skiptoken=b`]: { value: [], totalCount: 3 },
    });
    const r = await listAll<number>(c, '/items?api-version=1', 'POST');
    assert.deepEqual(r.value, [1, 2, 3]);
    assert.equal(r.pages.length, 3);
    assert.ok(c.asked.every((a) => a.startsWith('POST ')));
  });

  it('treats a body-less or value-less page as empty', async () => {
    assert.deepEqual((await listAll(fakeClient({}), '/none')).value, []);
    assert.deepEqual((await listAll(fakeClient({ '/x': { nextLink: '' } }), '/x')).value, []);
  });
});

describe('resolveUrl', () => {
  it('joins relative paths and keeps same-origin links', () => {
    assert.equal(resolveUrl(BASE, '/subscriptions/s'), `${BASE}/subscriptions/s`);
    assert.equal(resolveUrl(BASE, `${BASE}/a?b=c`), `${BASE}/a?b=c`);
  });

  it('never sends the token to another origin', () => {
    assert.throws(() => resolveUrl(BASE, 'https://evil.example/a'), /refusing to send credentials there/);
    assert.throws(() => resolveUrl(BASE, 'https://127.0.0.1:9999/a'), /refusing/);
  });
});
