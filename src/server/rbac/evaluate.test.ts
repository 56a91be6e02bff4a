import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoleAssignmentRecord } from '../../store/records.js';
import { builtinRoleById, BuiltinRoleIds } from './builtin-roles.js';
import { evaluate, type OperationKind, type ResolvedAssignment } from './evaluate.js';
import type { RoleDefinition } from './roles.js';

const SUB = '/subscriptions/6f1c8a43-7e0c-4b5e-9f3a-1d2c3b4a5f60';
const RG = `${SUB}/resourceGroups/rg-data`;
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const UAI_ID = `${RG}/providers/${UAI}/app-identity`;
const BLOB_READ = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
const CONTAINER = `${RG}/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/logs`;

let n = 0;
function assignment(
  scope: string,
  role: RoleDefinition | undefined,
  o: Partial<RoleAssignmentRecord> = {},
): ResolvedAssignment {
  const name = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const a: RoleAssignmentRecord = {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role?.id ?? 'a1b2c3d4-0000-4000-8000-000000000000'}`,
    principalId: 'e7a1c3f5-2b4d-4e6f-8a9b-0c1d2e3f4a5b',
    principalType: 'ServicePrincipal',
    description: null,
    createdBy: null,
    createdAt: 1,
    updatedAt: 1,
    ...o,
  };
  return { assignment: a, role };
}

const builtin = (guid: string): RoleDefinition => builtinRoleById(guid)!;
const decide = (as: ResolvedAssignment[], action: string, scope: string, kind: OperationKind = 'action') =>
  evaluate({ action, scope, kind }, as);

function custom(permissions: RoleDefinition['permissions'], roleName = 'Custom'): RoleDefinition {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    roleName,
    type: 'CustomRole',
    description: '',
    assignableScopes: ['/'],
    permissions,
    createdAt: 1,
    updatedAt: 1,
    createdBy: null,
    updatedBy: null,
  };
}
const block = (
  actions: string[],
  notActions: string[] = [],
  dataActions: string[] = [],
  notDataActions: string[] = [],
) => ({ actions, notActions, dataActions, notDataActions });

describe('evaluate: sanity checks over the shipped built-in roles (docs/wire/arm.md)', () => {
  const contributor = [assignment(SUB, builtin(BuiltinRoleIds.contributor))];

  it('Contributor can create a user-assigned identity but not a role assignment', () => {
    assert.equal(decide(contributor, `${UAI}/write`, UAI_ID).allowed, true);
    assert.equal(decide(contributor, 'Microsoft.Authorization/roleAssignments/write', RG).allowed, false);
    assert.equal(decide(contributor, 'Microsoft.Authorization/roleAssignments/delete', RG).allowed, false);
    assert.equal(decide(contributor, 'Microsoft.Authorization/roleAssignments/read', RG).allowed, true);
  });

  it("Contributor's * covers attaching an identity (…/userAssignedIdentities/assign/action)", () => {
    assert.equal(decide(contributor, `${UAI}/assign/action`, UAI_ID).allowed, true);
  });

  it('Owner grants every control-plane action and no data action', () => {
    const owner = [assignment('/', builtin(BuiltinRoleIds.owner))];
    assert.equal(decide(owner, 'Microsoft.Authorization/roleAssignments/write', RG).allowed, true);
    assert.equal(decide(owner, BLOB_READ, CONTAINER, 'dataAction').allowed, false);
    assert.equal(decide(owner, 'Microsoft.KeyVault/vaults/secrets/getSecret/action', RG, 'dataAction').allowed, false);
  });

  it('Managed Identity Operator grants read and assign on identities, not write', () => {
    const operator = [assignment(RG, builtin(BuiltinRoleIds.managedIdentityOperator))];
    assert.equal(decide(operator, `${UAI}/read`, UAI_ID).allowed, true);
    assert.equal(decide(operator, `${UAI}/assign/action`, UAI_ID).allowed, true);
    assert.equal(decide(operator, `${UAI}/federatedIdentityCredentials/read`, UAI_ID).allowed, true);
    assert.equal(decide(operator, `${UAI}/write`, UAI_ID).allowed, false);
    assert.equal(decide(operator, `${UAI}/delete`, UAI_ID).allowed, false);
  });

  it('Storage Blob Data Reader grants blob reads as a data action only', () => {
    const reader = [assignment(RG, builtin(BuiltinRoleIds.storageBlobDataReader))];
    assert.equal(decide(reader, BLOB_READ, CONTAINER, 'dataAction').allowed, true);
    assert.equal(decide(reader, BLOB_READ, CONTAINER, 'action').allowed, false);
    assert.equal(
      decide(reader, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write', CONTAINER, 'dataAction')
        .allowed,
      false,
    );
  });

  it('Reader reads everything, writes nothing', () => {
    const reader = [assignment(SUB, builtin(BuiltinRoleIds.reader))];
    assert.equal(decide(reader, 'Microsoft.ManagedIdentity/identities/read', UAI_ID).allowed, true);
    assert.equal(decide(reader, `${UAI}/write`, UAI_ID).allowed, false);
  });
});

describe('evaluate: rules', () => {
  it('Microsoft.Storage/*/read style wildcards cover nested reads of that namespace only', () => {
    const as = [assignment(SUB, custom([block(['Microsoft.Storage/*/read'])]))];
    assert.equal(decide(as, 'Microsoft.Storage/storageAccounts/read', CONTAINER).allowed, true);
    assert.equal(decide(as, 'Microsoft.Storage/storageAccounts/blobServices/containers/read', CONTAINER).allowed, true);
    assert.equal(decide(as, 'Microsoft.Storage/storageAccounts/write', CONTAINER).allowed, false);
    assert.equal(decide(as, 'Microsoft.Compute/virtualMachines/read', CONTAINER).allowed, false);
  });

  it('notActions subtract within their block only: another block or role still grants', () => {
    const subtracting = custom([block(['*'], ['Microsoft.Authorization/*/Write'])]);
    assert.equal(
      decide([assignment(SUB, subtracting)], 'Microsoft.Authorization/roleAssignments/write', RG).allowed,
      false,
    );
    const twoBlocks = custom([
      block(['*'], ['Microsoft.Authorization/*/Write']),
      block(['Microsoft.Authorization/roleAssignments/write']),
    ]);
    assert.equal(
      decide([assignment(SUB, twoBlocks)], 'Microsoft.Authorization/roleAssignments/write', RG).allowed,
      true,
    );
    const plusUaa = [assignment(SUB, subtracting), assignment(RG, builtin(BuiltinRoleIds.userAccessAdministrator))];
    assert.equal(decide(plusUaa, 'Microsoft.Authorization/roleAssignments/write', RG).allowed, true);
  });

  it('notDataActions subtract data actions, and actions never grant data actions (nor the reverse)', () => {
    const role = custom([block(['*'], [], ['Microsoft.Storage/*'], [BLOB_READ])]);
    const as = [assignment(SUB, role)];
    assert.equal(decide(as, BLOB_READ, CONTAINER, 'dataAction').allowed, false);
    assert.equal(
      decide(as, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write', CONTAINER, 'dataAction')
        .allowed,
      true,
    );
    const dataOnly = [assignment(SUB, custom([block([], [], ['*'])]))];
    assert.equal(decide(dataOnly, 'Microsoft.Storage/storageAccounts/read', CONTAINER).allowed, false);
  });

  it('an assignment applies at and below its scope only, at segment boundaries', () => {
    const as = [assignment(`${SUB}/resourceGroups/rg`, builtin(BuiltinRoleIds.owner))];
    assert.equal(decide(as, `${UAI}/write`, `${SUB}/resourceGroups/rg/providers/${UAI}/x`).allowed, true);
    assert.equal(decide(as, `${UAI}/write`, `${SUB}/resourceGroups/rg-data/providers/${UAI}/x`).allowed, false);
    assert.equal(decide(as, `${UAI}/write`, SUB).allowed, false);
    assert.equal(
      decide([assignment('/subscriptions/a', builtin(BuiltinRoleIds.owner))], `${UAI}/write`, '/subscriptions/ab')
        .allowed,
      false,
    );
  });

  it('an assignment with a condition grants nothing (fail closed)', () => {
    const as = [
      assignment(RG, builtin(BuiltinRoleIds.storageBlobDataReader), {
        condition: "@Resource[x] StringEquals 'logs'",
        conditionVersion: '2.0',
      }),
    ];
    const d = decide(as, BLOB_READ, CONTAINER, 'dataAction');
    assert.equal(d.allowed, false);
    assert.equal(d.considered[0]!.verdict, 'conditionNotEvaluated');
    assert.match(d.reason, /with a condition, not evaluated/);
  });

  it('an assignment whose role is unknown grants nothing and is named by its role id', () => {
    const d = decide([assignment(SUB, undefined)], `${UAI}/read`, UAI_ID);
    assert.equal(d.allowed, false);
    assert.equal(d.considered[0]!.verdict, 'unknownRole');
    assert.match(d.reason, /unknown role \/subscriptions\/.*\/roleDefinitions\/a1b2c3d4/);
  });
});

describe('evaluate: explanations', () => {
  it('an allowed decision names the oldest granting assignment, its role and scope', () => {
    const first = assignment(RG, builtin(BuiltinRoleIds.reader));
    const second = assignment('/', builtin(BuiltinRoleIds.owner));
    const d = decide([first, second], `${UAI}/write`, UAI_ID);
    assert.equal(d.reason, `allowed by assignment ${second.assignment.name} (role Owner) at scope /`);
    assert.deepEqual(
      d.considered.map((c) => c.verdict),
      ['roleLacksOperation', 'grants'],
    );
  });

  it('a denial lists what the principal holds', () => {
    const d = decide(
      [
        assignment(RG, builtin(BuiltinRoleIds.reader)),
        assignment(`${SUB}/resourceGroups/other`, builtin(BuiltinRoleIds.owner)),
      ],
      `${UAI}/write`,
      UAI_ID,
    );
    assert.equal(
      d.reason,
      `denied: no assignment grants ${UAI}/write at or above ${UAI_ID}; the principal holds: Reader at ${RG}, Owner at ${SUB}/resourceGroups/other`,
    );
    assert.deepEqual(
      d.considered.map((c) => c.verdict),
      ['roleLacksOperation', 'outOfScope'],
    );
  });

  it('a denial says when the principal holds nothing, and caps a long list', () => {
    assert.equal(
      decide([], `${UAI}/read`, '/').reason,
      `denied: no assignment grants ${UAI}/read at or above /; the principal holds no role assignments`,
    );
    const many = Array.from({ length: 13 }, () => assignment(RG, builtin(BuiltinRoleIds.reader)));
    assert.match(decide(many, `${UAI}/write`, RG).reason, /, and 3 more$/);
  });
});
