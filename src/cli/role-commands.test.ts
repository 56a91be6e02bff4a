import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { cliFor, createResourceGroup, tableRows } from '../../test/helpers/cli-harness.js';
import { definitionBody } from './commands/role-definition.js';

interface Assignment {
  id: string;
  name: string;
  properties: { principalId: string; roleDefinitionId: string; scope: string };
}
interface Definition {
  name: string;
  properties: {
    roleName: string;
    type: string;
    assignableScopes: string[];
    permissions: { actions: string[]; dataActions: string[] }[];
  };
}

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

describe('openmi role (over the ARM wire)', () => {
  let t: TestServer;
  let cli: ReturnType<typeof cliFor>;
  let sub: string;
  let principalId: string;
  let clientId: string;
  const dir = mkdtempSync(join(tmpdir(), 'openmi-role-cli-'));
  before(async () => {
    t = await startTestServer();
    cli = cliFor(t);
    sub = `/subscriptions/${t.creds.subscriptionId}`;
    await createResourceGroup(t, 'rg-role');
    const id = await cli.json<{ properties: { principalId: string; clientId: string } }>(
      'identity',
      'create',
      '-g',
      'rg-role',
      '-n',
      'worker',
    );
    principalId = id.properties.principalId;
    clientId = id.properties.clientId;
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('assignment create by client id and role name; list shows it by principal with the role name; delete by assignee and role', async () => {
    const a = await cli.json<Assignment>(
      'role',
      'assignment',
      'create',
      '--assignee',
      clientId,
      '--role',
      'Reader',
      '-g',
      'rg-role',
    );
    assert.equal(a.properties.principalId, principalId);
    assert.equal(a.properties.roleDefinitionId, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`);
    assert.equal(a.properties.scope, `${sub}/resourceGroups/rg-role`);
    const table = await cli.ok('role', 'assignment', 'list', '--assignee', principalId);
    assert.deepEqual(tableRows(table), [[a.name, principalId, 'Reader', `${sub}/resourceGroups/rg-role`]]);
    assert.deepEqual(
      (await cli.json<Assignment[]>('role', 'assignment', 'list', '--at-scope', '--role', 'Owner')).map(
        (x) => x.properties.scope,
      ),
      ['/'],
    );
    assert.match(
      await cli.ok('role', 'assignment', 'delete', '--assignee', principalId, '--role', READER, '-g', 'rg-role'),
      /^deleted .+roleAssignments\//,
    );
    assert.deepEqual(await cli.json('role', 'assignment', 'list', '--assignee', clientId), []);
    assert.match(
      await cli.ok('role', 'assignment', 'delete', '--assignee', principalId, '--role', 'Reader', '-g', 'rg-role'),
      /no matching role assignment/,
    );
  });

  it('assignment delete --ids; errors name the problem and exit non-zero', async () => {
    const a = await cli.json<Assignment>(
      'role',
      'assignment',
      'create',
      '--assignee',
      principalId,
      '--role',
      READER,
      '--scope',
      sub,
    );
    assert.deepEqual(await cli.json('role', 'assignment', 'delete', '--ids', a.id), { deleted: [a.id] });
    const nobody = await cli.run(
      'role',
      'assignment',
      'create',
      '--assignee',
      '00000000-0000-0000-0000-000000000001',
      '--role',
      'Reader',
    );
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /no principal has object id or client id/);
    const noRole = await cli.run('role', 'assignment', 'create', '--assignee', principalId, '--role', 'No Such Role');
    assert.match(noRole.stderr, /no role named 'No Such Role'/);
    const noArgs = await cli.run('role', 'assignment', 'delete');
    assert.equal(noArgs.code, 2);
  });

  it('definition create from az JSON (@file), show, list --custom-role-only, update, and delete refused while assigned', async () => {
    const file = join(dir, 'role.json');
    const def = {
      Name: 'Identity Reader',
      Description: 'reads identities',
      Actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read'],
      NotActions: [],
      DataActions: [],
      NotDataActions: [],
      AssignableScopes: [sub],
    };
    writeFileSync(file, JSON.stringify(def));
    const created = await cli.json<Definition>('role', 'definition', 'create', '--role-definition', `@${file}`);
    assert.equal(created.properties.type, 'CustomRole');
    assert.deepEqual(created.properties.assignableScopes, [sub]);
    assert.equal(
      (await cli.json<Definition>('role', 'definition', 'show', '--name', 'identity reader')).name,
      created.name,
    );
    assert.deepEqual(tableRows(await cli.ok('role', 'definition', 'list', '--custom-role-only')), [
      ['Identity Reader', 'CustomRole', created.name, sub],
    ]);
    const updated = await cli.json<Definition>(
      'role',
      'definition',
      'update',
      '--role-definition',
      JSON.stringify({ ...def, Actions: ['*/read'] }),
    );
    assert.equal(updated.name, created.name);
    assert.deepEqual(updated.properties.permissions[0]!.actions, ['*/read']);
    const a = await cli.json<Assignment>(
      'role',
      'assignment',
      'create',
      '--assignee',
      principalId,
      '--role',
      'Identity Reader',
    );
    const refused = await cli.run('role', 'definition', 'delete', '--name', 'Identity Reader');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /RoleDefinitionHasAssignments/);
    await cli.ok('role', 'assignment', 'delete', '--ids', a.id);
    assert.match(
      await cli.ok('role', 'definition', 'delete', '--name', 'Identity Reader'),
      /deleted role Identity Reader/,
    );
    assert.match(await cli.ok('role', 'definition', 'delete', '--name', created.name), /did not exist/);
  });

  it('definition list --name finds a built-in', async () => {
    const [owner] = await cli.json<Definition[]>('role', 'definition', 'list', '--name', 'Owner');
    assert.equal(owner!.properties.type, 'BuiltInRole');
    assert.equal(owner!.name, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
  });
});

describe('definitionBody', () => {
  it("maps az's keys in any casing to the ARM body and keeps an Id", () => {
    const { id, body } = definitionBody({
      name: 'R',
      actions: ['a/read'],
      dataactions: ['d/read'],
      assignableScopes: ['/subscriptions/s'],
      Id: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/abc',
    });
    assert.equal(id, 'abc');
    assert.deepEqual(body, {
      properties: {
        roleName: 'R',
        description: '',
        type: 'CustomRole',
        permissions: [{ actions: ['a/read'], notActions: [], dataActions: ['d/read'], notDataActions: [] }],
        assignableScopes: ['/subscriptions/s'],
      },
    });
    assert.throws(() => definitionBody({ Actions: [] }), /needs a 'Name'/);
    assert.throws(() => definitionBody({ Name: 'x' }), /AssignableScopes/);
  });
});
