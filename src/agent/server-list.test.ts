import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerUrls, ServerList } from './server-list.js';
import { UpstreamRefusal, UpstreamUnavailable } from './upstream.js';

const A = 'https://a.test:8443';
const B = 'https://b.test:8443';

describe('ServerList', () => {
  it('takes repeated and comma-separated URLs, normalized, without duplicates', () => {
    assert.deepEqual(parseServerUrls([`${A}/`, `${B}, ${A}`]), [A, B]);
    assert.deepEqual(parseServerUrls(`${A},${B}`), [A, B]);
    assert.throws(() => parseServerUrls(['http://a.test']), /must be https/);
    assert.throws(() => parseServerUrls([' , ']), /no openmi server URL/);
  });

  it('fails over on unavailability and then stays with the node that answered', async () => {
    const list = new ServerList([A, B]);
    const asked: string[] = [];
    const fn = async (url: string) => {
      asked.push(url);
      if (url === A) throw new UpstreamUnavailable('down');
      return url;
    };
    assert.equal(await list.first(fn), B);
    assert.equal(await list.first(fn), B);
    assert.deepEqual(asked, [A, B, B]);
  });

  it('never retries a refusal elsewhere, and rethrows the last unavailability when all are down', async () => {
    const list = new ServerList([A, B]);
    const asked: string[] = [];
    await assert.rejects(
      list.first(
        async (url) => (asked.push(url), Promise.reject(new UpstreamRefusal(400, 'invalid_request', 'detached'))),
      ),
      UpstreamRefusal,
    );
    assert.deepEqual(asked, [A]);
    await assert.rejects(
      list.first(async (url) => Promise.reject(new UpstreamUnavailable(`${url} down`))),
      /b\.test.*down/,
    );
  });
});
