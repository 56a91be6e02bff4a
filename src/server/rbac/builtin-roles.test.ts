import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  BUILTIN_ROLE_ENTRIES,
  BUILTIN_ROLES,
  builtinRoleById,
  builtinRoleByName,
  parseBuiltinRoles,
} from './builtin-roles.js';

// Azure's GUIDs, checked one by one against the built-in roles reference: scripts and templates
// hard-code them, so a wrong digit would break them silently.
const AZURE_GUIDS: Record<string, string> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'Role Based Access Control Administrator': 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  'Managed Identity Operator': 'f1a07417-d97a-45cb-824c-7a7467783830',
  'Managed Identity Contributor': 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
  'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Key Vault Reader': '21090545-7ca7-4776-b22c-e363652d74d2',
  'Storage Account Contributor': '17d1049b-9a84-46fb-8f53-869881c3d3ab',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Queue Data Reader': '19e7f393-937e-4f77-808e-94535e297925',
  'Storage Queue Data Message Processor': '8a0f0c08-91a1-4084-bc3d-661d67233fed',
  'Storage Queue Data Message Sender': 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Storage Table Data Reader': '76199698-9eea-4c19-bc75-cec21354c6b6',
};

const shippedFile = (): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL('./builtin-roles.json', import.meta.url)), 'utf8'));

describe('built-in roles', () => {
  it('ship every required role under Azure GUID and name, and nothing twice', () => {
    for (const [name, guid] of Object.entries(AZURE_GUIDS)) {
      assert.equal(builtinRoleById(guid.toUpperCase())?.roleName, name, name);
      assert.equal(builtinRoleByName(name.toLowerCase())?.id, guid, name);
    }
    assert.equal(new Set(BUILTIN_ROLES.map((r) => r.id)).size, BUILTIN_ROLES.length);
  });

  it('are BuiltInRole, assignable at /, and grant something', () => {
    for (const r of BUILTIN_ROLES) {
      assert.equal(r.type, 'BuiltInRole');
      assert.deepEqual(r.assignableScopes, ['/']);
      assert.ok(
        r.permissions.some((p) => p.actions.length + p.dataActions.length > 0),
        r.roleName,
      );
    }
  });

  it("keep Azure's time strings verbatim and parse them to milliseconds", () => {
    const reader = BUILTIN_ROLE_ENTRIES.find((e) => e.roleName === 'Reader')!;
    assert.equal(reader.createdOn, '2015-02-02T21:55:09.8806423Z');
    assert.equal(builtinRoleByName('Reader')!.createdAt, Date.UTC(2015, 1, 2, 21, 55, 9, 880));
  });

  it('are frozen, so no caller can change a role for everyone', () => {
    const owner = builtinRoleByName('Owner')!;
    assert.throws(() => owner.permissions[0]!.actions.push('x'), TypeError);
    assert.throws(() => ((owner as { roleName: string }).roleName = 'x'), TypeError);
  });

  it('the build copies the JSON next to the compiled module', () => {
    assert.ok(existsSync(fileURLToPath(new URL('./builtin-roles.json', import.meta.url))));
  });

  it('validation rejects a typo in a GUID, an operation string, a field name or a duplicate', () => {
    const variants: Array<[string, (roles: Array<Record<string, unknown>>) => void]> = [
      ['GUID', (rs) => (rs[0]!['id'] = '8e3af657-a8ff-443c-a75c-2fe8c4bcb63')],
      [
        'operation',
        (rs) => ((rs[1]!['permissions'] as Array<{ actions: string[] }>)[0]!.actions = ['Microsoft.Storage//read']),
      ],
      ['field', (rs) => ((rs[2]!['permissions'] as Array<Record<string, unknown>>)[0]!['notAction'] = [])],
      ['duplicate name', (rs) => (rs[3]!['roleName'] = 'owner')],
      ['time', (rs) => (rs[2]!['createdOn'] = '2015-02-02 21:55:09')],
    ];
    assert.doesNotThrow(() => parseBuiltinRoles(shippedFile()));
    for (const [what, corrupt] of variants) {
      const file = shippedFile() as { roles: Array<Record<string, unknown>> };
      corrupt(file.roles);
      assert.throws(() => parseBuiltinRoles(file), /builtin-roles\.json is invalid/, what);
    }
  });
});
