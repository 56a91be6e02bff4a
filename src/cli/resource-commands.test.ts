import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { cliFor, createResourceGroup, tableRows } from '../../test/helpers/cli-harness.js';

const VM = 'Microsoft.Compute/virtualMachines';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Block {
  type: string;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId: string; clientId: string }>;
}
interface Resource {
  id: string;
  name: string;
  type: string;
  location: string;
  identity?: Block;
  properties?: Record<string, unknown>;
}
interface Identity {
  id: string;
  properties: { principalId: string; clientId: string };
}

describe('openmi resource (over the ARM wire)', () => {
  let t: TestServer;
  let cli: ReturnType<typeof cliFor>;
  let uai: Identity;
  const vm = (verb: string, name: string, ...rest: string[]) => [
    'resource',
    ...verb.split(' '),
    '--type',
    VM,
    '-g',
    'rg-res',
    '-n',
    name,
    ...rest,
  ];
  before(async () => {
    t = await startTestServer();
    cli = cliFor(t);
    await createResourceGroup(t, 'rg-res');
    uai = await cli.json<Identity>('identity', 'create', '-g', 'rg-res', '-n', 'uai-one');
  });
  after(() => t.stop());

  it('create, show, list and delete a VM', async () => {
    const created = await cli.json<Resource>(
      ...vm('create', 'vm-plain', '--properties', '{"hardwareProfile":{"vmSize":"Standard_B1s"}}'),
    );
    assert.equal(created.name, 'vm-plain');
    assert.equal(created.type, VM);
    assert.equal(created.location, 'local');
    assert.deepEqual(created.properties?.['hardwareProfile'], { vmSize: 'Standard_B1s' });
    const table = await cli.ok(...vm('show', 'vm-plain'));
    assert.match(table, /^name\s+type\s+resourceGroup\s+location\s+identity\n/);
    assert.deepEqual(tableRows(table), [['vm-plain', VM, 'rg-res', 'local', 'None']]);
    const listed = await cli.json<Resource[]>(
      'resource',
      'list',
      '--type',
      'microsoft.compute/VIRTUALMACHINES',
      '-g',
      'rg-res',
    );
    assert.ok(listed.some((r) => r.name === 'vm-plain'));
    assert.ok((await cli.json<Resource[]>('resource', 'list', '--type', VM)).some((r) => r.name === 'vm-plain'));
    assert.match(await cli.ok(...vm('delete', 'vm-plain')), /deleted vm-plain/);
    assert.equal((await cli.run(...vm('show', 'vm-plain'))).code, 1);
  });

  it('uses the api-version of each type', async () => {
    for (const type of [
      'Microsoft.Web/sites',
      'Microsoft.ContainerInstance/containerGroups',
      'Microsoft.App/containerApps',
      'Microsoft.HybridCompute/machines',
      'Microsoft.Compute/virtualMachineScaleSets',
    ]) {
      const r = await cli.json<Resource>('resource', 'create', '--type', type, '-g', 'rg-res', '-n', 'typed-1');
      assert.equal(r.type.toLowerCase(), type.toLowerCase());
    }
  });

  it('rejects unknown types, bad --properties and list without --type before calling the server', async () => {
    const unknown = await cli.run(
      'resource',
      'create',
      '--type',
      'Microsoft.Storage/storageAccounts',
      '-g',
      'rg-res',
      '-n',
      'x',
    );
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /unknown resource type 'Microsoft.Storage\/storageAccounts'; use one of: Microsoft.Compute\/virtualMachines/,
    );
    const badJson = await cli.run(...vm('create', 'x', '--properties', '{nope'));
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /--properties is not valid JSON/);
    const noType = await cli.run('resource', 'list');
    assert.notEqual(noType.code, 0);
    assert.match(noType.stderr, /--type/);
  });

  it('identity assign/remove walks system and user-assigned combinations like az vm identity', async () => {
    await cli.ok(...vm('create', 'vm-id'));
    const sys = await cli.json<Block>(...vm('identity assign', 'vm-id'));
    assert.equal(sys.type, 'SystemAssigned');
    assert.match(sys.principalId ?? '', UUID);
    assert.equal(sys.tenantId, t.creds.tenantId);

    const both = await cli.json<Block>(...vm('identity assign', 'vm-id', '--user-assigned', 'uai-one'));
    assert.equal(both.type, 'SystemAssigned, UserAssigned');
    assert.equal(both.principalId, sys.principalId, 'the system identity survives adding a user-assigned one');
    assert.deepEqual(Object.values(both.userAssignedIdentities ?? {}), [
      { principalId: uai.properties.principalId, clientId: uai.properties.clientId },
    ]);
    assert.equal(Object.keys(both.userAssignedIdentities ?? {})[0]?.toLowerCase(), uai.id.toLowerCase());

    const table = await cli.ok(...vm('identity assign', 'vm-id', '--user-assigned', uai.id));
    assert.match(table, /^kind\s+name\s+principalId\s+clientId\s+tenantId\n/);
    assert.match(
      table,
      new RegExp(`^UserAssigned\\s+uai-one\\s+${uai.properties.principalId}\\s+${uai.properties.clientId}$`, 'm'),
    );
    assert.match(
      table,
      new RegExp(`^SystemAssigned\\s+\\(system\\)\\s+${sys.principalId}\\s+${t.creds.tenantId}$`, 'm'),
    );

    const userOnly = await cli.json<Block>(...vm('identity remove', 'vm-id', '--system-assigned'));
    assert.equal(userOnly.type, 'UserAssigned');
    assert.equal(userOnly.principalId, undefined);

    const notThere = await cli.run(...vm('identity remove', 'vm-id', '--user-assigned', 'uai-missing'));
    assert.equal(notThere.code, 1);
    assert.match(
      notThere.stderr,
      /uai-missing' is not assigned to this resource \(user-assigned identities: .*uai-one\)/,
    );

    const none = await cli.json<Block>(...vm('identity remove', 'vm-id', '--user-assigned', 'uai-one'));
    assert.equal(none.type, 'None');
  });

  it('list-resources shows the resources an identity is attached to, across pages, with filter and order', async () => {
    await cli.ok('identity', 'create', '-g', 'rg-res', '-n', 'uai-shared');
    for (const n of ['vm-c', 'vm-a', 'vm-b']) {
      await cli.ok(...vm('create', n));
      await cli.ok(...vm('identity assign', n, '--user-assigned', 'uai-shared'));
    }
    await cli.ok('resource', 'create', '--type', 'Microsoft.Web/sites', '-g', 'rg-res', '-n', 'site-shared');
    await cli.ok(
      'resource',
      'identity',
      'assign',
      '--type',
      'Microsoft.Web/sites',
      '-g',
      'rg-res',
      '-n',
      'site-shared',
      '--user-assigned',
      'uai-shared',
    );

    const all = await cli.json<{ value: { name: string; type: string }[]; totalCount: number }>(
      'identity',
      'list-resources',
      '-g',
      'rg-res',
      '-n',
      'uai-shared',
      '--top',
      '1',
    );
    assert.equal(all.totalCount, 4);
    assert.deepEqual(
      all.value.map((r) => r.name),
      ['site-shared', 'vm-a', 'vm-b', 'vm-c'],
      'every page, in order, exactly once',
    );

    const vms = await cli.json<{ value: { name: string }[]; totalCount: number }>(
      'identity',
      'list-resources',
      '-g',
      'rg-res',
      '-n',
      'uai-shared',
      '--filter',
      `type eq '${VM}'`,
      '--orderby',
      'name desc',
      '--top',
      '2',
    );
    assert.equal(vms.totalCount, 3);
    assert.deepEqual(
      vms.value.map((r) => r.name),
      ['vm-c', 'vm-b', 'vm-a'],
    );

    const table = await cli.ok(
      'identity',
      'list-resources',
      '-g',
      'rg-res',
      '-n',
      'uai-shared',
      '--filter',
      "contains(name, 'site')",
    );
    assert.match(table, /^name\s+type\s+resourceGroup\n/);
    assert.deepEqual(
      tableRows(table).map((r) => r[0]),
      ['site-shared'],
    );

    const badTop = await cli.run('identity', 'list-resources', '-g', 'rg-res', '-n', 'uai-shared', '--top', '0');
    assert.notEqual(badTop.code, 0);
    assert.match(badTop.stderr, /whole number of 1 or more/);
  });
});
