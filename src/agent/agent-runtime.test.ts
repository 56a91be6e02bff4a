import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../kernel/log.js';
import { startAgent, type RunningAgent } from './agent-runtime.js';
import { loadState } from './agent-state.js';
import { TestAgentServer } from '../../test/helpers/agent-server.js';
import { waitFor } from '../../test/helpers/wait.js';

let srv: TestAgentServer;
let dir: string;
before(async () => {
  srv = await TestAgentServer.start();
  dir = mkdtempSync(join(tmpdir(), 'openmi-runtime-'));
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const log = createLogger('silent');
const base = () => ({ serverUrl: srv.url, ca: srv.ca, listenHost: '127.0.0.1', listenPort: 0, log });

function imds(agent: RunningAgent, resource = 'https://management.azure.com'): Promise<{ status: number; json: any }> {
  const path = `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`;
  return new Promise((resolve, reject) => {
    const req = request(`${agent.endpoints.imds}${path}`, { headers: { Metadata: 'true' }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Asks until the agent serves a token other than `old`: an un-dropped cache would keep serving it. */
async function untilNewToken(agent: RunningAgent, old: string): Promise<string> {
  return waitFor(
    async () => {
      const token = (await imds(agent)).json.access_token as string;
      return token !== old && token;
    },
    { what: `a token other than ${old}` },
  );
}

describe('startAgent', () => {
  it('enrolls, serves tokens from the server, and resumes from its state without a join token', async () => {
    const stateDir = join(dir, 'a');
    const first = await startAgent({ ...base(), joinToken: 'jt.secret', stateDir });
    assert.match(first.endpoints.imds, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(first.endpoints.identityEndpoint, `${first.endpoints.imds}/msi/token`);
    assert.equal(first.resourceId, srv.resourceId);
    assert.equal(Buffer.from(first.identityHeader, 'base64url').length, 32);
    const r = await imds(first);
    assert.equal(r.status, 200);
    assert.match(r.json.access_token, /^token-\d+$/);
    await first.close({ leave: false });

    const enrolls = srv.seen.filter((s) => s.path === '/enroll').length;
    const second = await startAgent({ ...base(), stateDir });
    assert.equal(second.agentId, first.agentId);
    assert.equal(srv.seen.filter((s) => s.path === '/enroll').length, enrolls, 'no second enrollment');
    assert.equal((await imds(second)).status, 200, 'the saved key still authenticates');
    await second.close({ leave: true });
    assert.equal(srv.seen.at(-1)!.method, 'DELETE');
    assert.equal(loadState(stateDir), undefined, 'state cleared after leaving');
  });

  it('says what is missing when there is neither state nor a join token', async () => {
    await assert.rejects(startAgent({ ...base(), stateDir: join(dir, 'empty') }), /no join token was given/);
    await assert.rejects(startAgent(base()), /ephemeral agent keeps no state and no join token/);
    assert.equal(existsSync(join(dir, 'empty', 'agent.json')), false);
  });

  it('drops cached tokens on invalidation of its resource and after the event stream reconnects', async () => {
    srv.joinTokens.add('jt.two');
    const agent = await startAgent({ ...base(), joinToken: 'jt.two' });
    try {
      await waitFor(() => srv.streams.size === 1, { what: 'the event stream' });
      const t1 = (await imds(agent)).json.access_token;
      assert.equal((await imds(agent)).json.access_token, t1, 'served from cache');
      srv.invalidate([agent.resourceId.toUpperCase()]);
      const t2 = await untilNewToken(agent, t1);
      srv.dropStreams();
      await untilNewToken(agent, t2);
    } finally {
      await agent.close({ leave: true });
    }
  });
});
