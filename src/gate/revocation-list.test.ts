import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../test/helpers/wait.js';
import { RemoteRevocationList } from './revocation-list.js';

const fakeClient = (pages: unknown[]) => {
  const calls: string[] = [];
  return {
    calls,
    request: async <T>(method: string, path: string): Promise<T> => {
      calls.push(`${method} ${path}`);
      const next = pages.length > 1 ? pages.shift() : pages[0];
      if (next instanceof Error) throw next;
      return next as T;
    },
  };
};

describe('RemoteRevocationList', () => {
  it('fetches on first use, keeps the latest time per principal and ignores malformed rows', async () => {
    const c = fakeClient([
      {
        value: [
          { principalId: 'p1', revokedAt: '2025-01-01T00:00:01.000Z' },
          { principalId: 'p1', revokedAt: '2025-01-01T00:00:00.000Z' },
          { principalId: 'p2', revokedAt: 'nope' },
          { revokedAt: '2025-01-01T00:00:00.000Z' },
        ],
      },
    ]);
    const list = new RemoteRevocationList(c);
    assert.deepEqual(await list.get('p1'), {
      principalId: 'p1',
      revokedAt: Date.parse('2025-01-01T00:00:01.000Z'),
      revokedBy: '',
    });
    assert.equal(await list.get('p2'), undefined);
    assert.deepEqual(c.calls, ['GET /providers/OpenMI.Tokens/revocations?api-version=2025-01-01']);
  });

  it('refuses to answer before a first successful fetch; a failed refresh keeps the last list', async () => {
    const c = fakeClient([
      new Error('down'),
      { value: [{ principalId: 'p1', revokedAt: '2025-01-01T00:00:00.000Z' }] },
      new Error('down again'),
    ]);
    const list = new RemoteRevocationList(c);
    await assert.rejects(list.get('p1'), /down/);
    assert.ok(await list.get('p1'));
    await assert.rejects(list.refresh(), /down again/);
    assert.ok(await list.get('p1'), 'still revoked after a failed refresh');
    await assert.rejects(new RemoteRevocationList(fakeClient([undefined])).get('p1'), /no "value" array/);
  });

  it('refreshes on its interval after start', async () => {
    const c = fakeClient([{ value: [] }, { value: [{ principalId: 'p1', revokedAt: '2025-01-01T00:00:00.000Z' }] }]);
    const list = new RemoteRevocationList(c, () => {}, 20);
    await list.start();
    assert.equal(await list.get('p1'), undefined);
    try {
      await waitFor(() => list.get('p1'), { what: 'a refresh on the 20 ms interval to bring p1' });
    } finally {
      list.stop();
    }
    assert.ok(c.calls.length >= 2, 'fetched again on its own');
  });
});
