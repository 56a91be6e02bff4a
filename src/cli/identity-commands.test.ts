import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { cliFor, createResourceGroup, runCli, tableRows } from '../../test/helpers/cli-harness.js';

interface Identity {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  properties: { tenantId: string; principalId: string; clientId: string; isolationScope?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('openmi identity (over the ARM wire)', () => {
  let t: TestServer;
  let cli: ReturnType<typeof cliFor>;
  const dirs: string[] = [];
  before(async () => {
    t = await startTestServer();
    cli = cliFor(t);
    await createResourceGroup(t, 'rg-cli');
    await createResourceGroup(t, 'rg-other');
  });
  after(async () => {
    await t.stop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('create returns the identity with its principal; show prints the table columns', async () => {
    const id = await cli.json<Identity>(
      'identity',
      'create',
      '-g',
      'rg-cli',
      '-n',
      'id-one',
      '--tags',
      'env=dev',
      'team=core',
    );
    assert.equal(id.name, 'id-one');
    assert.equal(id.location, 'local');
    assert.deepEqual(id.tags, { env: 'dev', team: 'core' });
    assert.equal(
      id.id,
      `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-cli/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-one`,
    );
    assert.match(id.properties.clientId, UUID);
    assert.match(id.properties.principalId, UUID);
    assert.equal(id.properties.tenantId, t.creds.tenantId);

    const table = await cli.ok('identity', 'show', '-g', 'rg-cli', '-n', 'id-one');
    assert.match(table, /^name\s+resourceGroup\s+location\s+clientId\s+principalId\n/);
    assert.deepEqual(tableRows(table), [
      ['id-one', 'rg-cli', 'local', id.properties.clientId, id.properties.principalId],
    ]);
  });

  it('create sends the isolation scope and a custom location', async () => {
    const id = await cli.json<Identity>(
      'identity',
      'create',
      '-g',
      'rg-cli',
      '-n',
      'id-scoped',
      '-l',
      'local',
      '--isolation-scope',
      'Regional',
    );
    assert.equal(id.properties.isolationScope, 'Regional');
    const bad = await cli.run('identity', 'create', '-g', 'rg-cli', '-n', 'x', '--isolation-scope', 'Global');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Allowed choices are None, Regional/);
  });

  it('list covers the subscription or one resource group', async () => {
    await cli.ok('identity', 'create', '-g', 'rg-other', '-n', 'id-elsewhere');
    const inGroup = await cli.json<Identity[]>('identity', 'list', '-g', 'rg-cli');
    assert.ok(inGroup.every((i) => i.id.includes('/resourceGroups/rg-cli/')));
    assert.ok(inGroup.some((i) => i.name === 'id-one'));
    const all = (await cli.json<Identity[]>('identity', 'list')).map((i) => i.name);
    assert.ok(all.includes('id-one') && all.includes('id-elsewhere'));
    const table = await cli.ok('identity', 'list', '-g', 'rg-other');
    assert.equal(tableRows(table)[0]![0], 'id-elsewhere');
  });

  it('update replaces the tags; delete removes the identity and a second delete says so', async () => {
    await cli.ok('identity', 'create', '-g', 'rg-cli', '-n', 'id-tmp', '--tags', 'a=1');
    const updated = await cli.json<Identity>('identity', 'update', '-g', 'rg-cli', '-n', 'id-tmp', '--tags', 'b=2');
    assert.deepEqual(updated.tags, { b: '2' });
    assert.match(await cli.ok('identity', 'delete', '-g', 'rg-cli', '-n', 'id-tmp'), /deleted identity id-tmp/);
    assert.match(await cli.ok('identity', 'delete', '-g', 'rg-cli', '-n', 'id-tmp'), /did not exist/);
    const gone = await cli.run('identity', 'show', '-g', 'rg-cli', '-n', 'id-tmp');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^openmi: ResourceNotFound: .+/m);
  });

  it('federated-credential create, show, list and delete', async () => {
    const base = ['--identity-name', 'id-one', '-g', 'rg-cli'];
    const fic = await cli.json<{ name: string; properties: { issuer: string; subject: string; audiences: string[] } }>(
      'identity',
      'federated-credential',
      'create',
      ...base,
      '-n',
      'github',
      '--issuer',
      'https://token.actions.githubusercontent.com',
      '--subject',
      'repo:o/r:ref:refs/heads/main',
    );
    assert.equal(fic.name, 'github');
    assert.deepEqual(fic.properties.audiences, ['api://AzureADTokenExchange']);
    const k8s = [
      'create',
      ...base,
      '-n',
      'k8s',
      '--issuer',
      'https://k8s.example',
      '--subject',
      'system:serviceaccount:ns:sa',
    ];
    // `a,b` goes out as two audiences; Azure (and openmi) accept exactly one, and the CLI relays why.
    const two = await cli.run('identity', 'federated-credential', ...k8s, '--audiences', 'a,b');
    assert.equal(two.code, 1);
    assert.match(two.stderr, /exactly one audience/);
    await cli.ok('identity', 'federated-credential', ...k8s, '--audiences', 'api://custom');
    const shown = await cli.json<{ properties: { audiences: string[] } }>(
      'identity',
      'federated-credential',
      'show',
      ...base,
      '-n',
      'k8s',
    );
    assert.deepEqual(shown.properties.audiences, ['api://custom']);
    const table = await cli.ok('identity', 'federated-credential', 'list', ...base);
    assert.match(table, /^name\s+issuer\s+subject\s+audiences\n/);
    assert.deepEqual(
      tableRows(table)
        .map((r) => r[0])
        .sort(),
      ['github', 'k8s'],
    );
    assert.match(
      await cli.ok('identity', 'federated-credential', 'delete', ...base, '-n', 'github'),
      /deleted federated credential github/,
    );
    assert.deepEqual(
      (await cli.json<{ name: string }[]>('identity', 'federated-credential', 'list', ...base)).map((f) => f.name),
      ['k8s'],
    );
  });

  it('list-resources is empty for an unattached identity and rejects a bad filter with the server message', async () => {
    const r = await cli.json<{ value: unknown[]; totalCount: number }>(
      'identity',
      'list-resources',
      '-g',
      'rg-cli',
      '-n',
      'id-one',
    );
    assert.deepEqual(r, { value: [], totalCount: 0 });
    const bad = await cli.run(
      'identity',
      'list-resources',
      '-g',
      'rg-cli',
      '-n',
      'id-one',
      '--filter',
      "location eq 'x'",
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /^openmi: InvalidFilter: \$filter: expected a field name .* at position 0, found 'location'/m,
    );
  });

  it('reports ARM errors as code and message', async () => {
    const r = await cli.run('identity', 'show', '-g', 'rg-missing', '-n', 'x');
    assert.equal(r.code, 1);
    // Azure answers ResourceGroupNotFound here; either code names the missing group.
    assert.match(r.stderr, /^openmi: (ResourceGroupNotFound|ResourceNotFound): .*rg-missing/m);
  });

  it('says how to start the server when it is not reachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-cli-down-'));
    dirs.push(dir);
    const down = await startTestServer({ dataDir: dir });
    await down.stop();
    const r = await runCli(['identity', 'list', '--data-dir', dir]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /server at https:\/\/127\.0\.0\.1:\d+ is not reachable \(ECONNREFUSED\)\. Start it with 'openmi serve --data-dir .*openmi-cli-down-/,
    );
  });

  it('says where credentials are missing, and when the server refuses them', async () => {
    const missing = await runCli(['identity', 'list', '--data-dir', join(tmpdir(), 'openmi-no-such-dir')]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /cannot read the admin credentials .* it does not exist\. Start the server once with 'openmi serve --data-dir/,
    );

    const dir = mkdtempSync(join(tmpdir(), 'openmi-cli-badcreds-'));
    dirs.push(dir);
    for (const f of ['ca.pem', 'endpoint.json']) cpSync(join(t.dataDir, f), join(dir, f));
    const creds = JSON.parse(readFileSync(join(t.dataDir, 'admin-credentials.json'), 'utf8')) as Record<string, string>;
    writeFileSync(join(dir, 'admin-credentials.json'), JSON.stringify({ ...creds, clientSecret: 'omi~wrong' }));
    const refused = await runCli(['identity', 'list', '--data-dir', dir]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /admin credentials in .* were refused \(invalid_client/);
  });

  it('--subscription overrides the subscription in the credentials file', async () => {
    const r = await cli.run('identity', 'list', '--subscription', '00000000-0000-0000-0000-0000000000ff');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^openmi: SubscriptionNotFound: /m);
  });
});
