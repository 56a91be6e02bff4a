import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { ManualClock } from '../../../kernel/clock.js';
import { systemRandom } from '../../../kernel/ids.js';
import { createLogger } from '../../../kernel/log.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { pathSegments } from '../../../kernel/http/path.js';
import { openStore } from '../../../store/open-store.js';
import type { Store } from '../../../store/store.js';
import { ensureInstallation, type AdminCredentialsFile } from '../../directory/bootstrap.js';
import { KeyRing } from '../../tokens/key-ring.js';
import { Authority } from '../../tokens/issuers.js';
import { TokenIssuer } from '../../tokens/issue.js';
import type { SignInEvent } from '../../audit/sign-ins.js';
import { WorkloadTokenMinter } from '../../tokens/federation/workload-issuer.js';
import { TokenSurface } from './token-surface.js';

const BASE = 'https://openmi.test';
const clock = new ManualClock(Date.now());
const IDENTITY = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A RequestContext over an in-memory request, and the reply the surface wrote (or rendered as an error). */
async function call(
  surface: TokenSurface,
  method: string,
  path: string,
  form?: Record<string, string>,
): Promise<Reply> {
  const req = Readable.from(
    form ? [Buffer.from(new URLSearchParams(form).toString())] : [],
  ) as unknown as IncomingMessage;
  req.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const reply: Reply = { status: 0, body: {} };
  const res = {
    headersSent: false,
    writeHead: (s: number) => ((reply.status = s), res),
    end: (b?: string) => void (reply.body = b ? JSON.parse(b) : {}),
  };
  const ctx: RequestContext = {
    req,
    res: res as unknown as ServerResponse,
    method,
    path,
    segments: pathSegments(path),
    query: new URLSearchParams(),
    rawQuery: '',
    hostname: 'openmi.test',
    requestId: 'req-1',
    correlationId: 'corr-1',
    log: createLogger('silent'),
    startedAt: performance.now(),
  };
  await surface.handle(ctx).catch((e: unknown) => surface.renderError(ctx, e));
  return reply;
}

describe('token surface: sign-in events and the federated exchange', () => {
  let dir: string;
  let store: Store;
  let creds: AdminCredentialsFile;
  let surface: TokenSurface;
  let minter: WorkloadTokenMinter;
  const events: SignInEvent[] = [];
  let throwing = false;
  const principalId = systemRandom.uuid();
  const clientId = systemRandom.uuid();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openmi-signins-'));
    store = await openStore({ kind: 'sqlite', path: join(dir, 'db') });
    await ensureInstallation(store, clock, systemRandom, join(dir, 'creds.json'));
    creds = JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8')) as AdminCredentialsFile;
    const keys = await new KeyRing(store, randomBytes(32), clock).open();
    const authority = new Authority(BASE);
    const signIns = { record: (e: SignInEvent) => (throwing ? assert.fail('recorder failure') : void events.push(e)) };
    surface = new TokenSurface({
      store,
      clock,
      authority,
      keys,
      issuer: new TokenIssuer(keys, authority, clock, systemRandom),
      appTokenLifetimeSeconds: 3600,
      managedIdentityTokenLifetimeSeconds: 7200,
      maxBodyBytes: 65536,
      signIns,
    });
    minter = new WorkloadTokenMinter(keys, BASE, clock, systemRandom);
    await store.principals.create({
      objectId: principalId,
      appId: clientId,
      tenantId: creds.tenantId,
      displayName: 'app',
      kind: 'managedIdentity',
      resourceId: IDENTITY,
      createdAt: 0,
    });
    await store.identities.create({
      id: IDENTITY,
      subscriptionId: 's',
      resourceGroup: 'rg',
      name: 'app',
      location: 'local',
      tags: {},
      isolationScope: 'None',
      principalId,
      clientId,
      tenantId: creds.tenantId,
      createdAt: 0,
      updatedAt: 0,
    });
    await store.federatedCredentials.create({
      id: `${IDENTITY}/federatedIdentityCredentials/k8s`,
      identityId: IDENTITY,
      name: 'k8s',
      issuer: minter.issuer,
      subject: 'sa:app',
      audiences: ['api://AzureADTokenExchange'],
      createdAt: 0,
      updatedAt: 0,
    });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const v2 = () => `/${creds.tenantId}/oauth2/v2.0/token`;
  const secretForm = (secret: string) => ({
    grant_type: 'client_credentials',
    client_id: creds.clientId,
    client_secret: secret,
    scope: 'https://management.azure.com/.default',
  });
  const assertionForm = async (subject: string) => ({
    grant_type: 'client_credentials',
    client_id: clientId,
    scope: 'https://vault.azure.net/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: `${(await minter.mint({ subject, audience: 'api://AzureADTokenExchange', lifetimeSeconds: 600 })).token}\n`,
  });
  const last = () => events[events.length - 1]!;

  it('records a client-credentials success and failure', async () => {
    assert.equal((await call(surface, 'POST', v2(), secretForm(creds.clientSecret))).status, 200);
    assert.deepEqual(
      { ...last(), at: 0, latencyMs: 0 },
      {
        at: 0,
        latencyMs: 0,
        correlationId: 'corr-1',
        flow: 'clientCredentials',
        principalId: (await store.principals.getByAppId(creds.clientId))!.objectId,
        clientId: creds.clientId,
        identityResourceId: null,
        callingResourceId: null,
        agentId: null,
        audience: 'https://management.azure.com',
        result: 'success',
        errorCode: null,
        reason: null,
      },
    );
    assert.equal((await call(surface, 'POST', v2(), secretForm('wrong'))).status, 401);
    assert.equal(last().result, 'failure');
    assert.equal(last().errorCode, 'invalid_client');
    assert.match(last().reason!, /Invalid client secret/);
    assert.ok(last().latencyMs >= 0 && last().at <= clock.now());
  });

  it('exchanges a federated assertion: MI lifetime, refresh_in, xms_mirid, appidacr 2, and records it', async () => {
    const r = await call(surface, 'POST', v2(), await assertionForm('sa:app'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['token_type', 'expires_in', 'ext_expires_in', 'refresh_in', 'access_token']);
    assert.equal(r.body.expires_in, 7200);
    assert.equal(r.body.refresh_in, 3600);
    const claims = decodeJwt(r.body.access_token as string);
    assert.equal(claims.aud, 'https://vault.azure.net');
    assert.equal(claims.xms_mirid, IDENTITY);
    assert.equal(claims.appidacr, '2');
    assert.equal(claims.oid, principalId);
    assert.deepEqual(
      [last().flow, last().result, last().principalId, last().identityResourceId, last().clientId],
      ['federated', 'success', principalId, IDENTITY, clientId],
    );
    const v1 = await call(surface, 'POST', `/${creds.tenantId}/oauth2/token`, {
      ...(await assertionForm('sa:app')),
      resource: 'https://vault.azure.net',
    });
    assert.equal(v1.status, 200, JSON.stringify(v1.body));
    assert.equal(v1.body.expires_in, '7200');
    assert.equal(v1.body.resource, 'https://vault.azure.net');
  });

  it('records federated refusals with the OAuth code and the description', async () => {
    const r = await call(surface, 'POST', v2(), await assertionForm('sa:other'));
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_client');
    assert.deepEqual(r.body.error_codes, [70021]);
    assert.deepEqual([last().flow, last().result, last().errorCode], ['federated', 'failure', 'invalid_client']);
    assert.match(last().reason!, /subject: 'sa:other'/);
    const wrongType = await call(surface, 'POST', v2(), {
      ...(await assertionForm('sa:app')),
      client_assertion_type: 'jwt',
    });
    assert.equal(wrongType.body.error, 'invalid_request');
    assert.equal(last().errorCode, 'invalid_request');
    const both = await call(surface, 'POST', v2(), { ...(await assertionForm('sa:app')), client_secret: 'x' });
    assert.match(String(both.body.error_description), /either client_secret or client_assertion/);
  });

  it('records requests that fail before the form is read, but not discovery reads', async () => {
    const n = events.length;
    assert.equal((await call(surface, 'GET', v2())).status, 405);
    assert.equal(
      (await call(surface, 'POST', '/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token', secretForm('x'))).status,
      400,
    );
    assert.deepEqual(
      events.slice(n).map((e) => [e.result, e.errorCode, e.clientId]),
      [
        ['failure', 'invalid_request', null],
        ['failure', 'invalid_request', null],
      ],
    );
    assert.equal((await call(surface, 'GET', `/${creds.tenantId}/v2.0/.well-known/openid-configuration`)).status, 200);
    assert.equal(events.length, n + 2);
  });

  it('still answers when the recorder throws', async () => {
    throwing = true;
    try {
      assert.equal((await call(surface, 'POST', v2(), secretForm(creds.clientSecret))).status, 200);
      assert.equal((await call(surface, 'POST', v2(), secretForm('wrong'))).status, 401);
    } finally {
      throwing = false;
    }
  });
});
