import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { cliFor } from '../../test/helpers/cli-harness.js';

describe('openmi group (over the ARM wire)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  it('creates, lists and deletes a resource group', async () => {
    const cli = cliFor(t);
    assert.equal((await cli.json<{ location: string }>('group', 'create', '-n', 'cli-rg')).location, 'local');
    assert.deepEqual(
      (await cli.json<{ name: string }[]>('group', 'list')).map((g) => g.name),
      ['cli-rg'],
    );
    assert.match(await cli.ok('group', 'delete', '-n', 'cli-rg'), /deleted cli-rg/);
    assert.match(await cli.ok('group', 'delete', '-n', 'cli-rg'), /did not exist/);
  });
});
