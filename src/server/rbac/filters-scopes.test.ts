import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../../kernel/errors.js';
import { parseAssignmentFilter, parseDefinitionFilter } from './filters.js';
import { isAtOrAbove, normalizeScope, parseScope, roleDefinitionIdAt } from './scopes.js';

const invalidFilter = (e: unknown) => isDomainError(e) && e.code === 'InvalidFilter';

describe('$filter parsing', () => {
  it('reads the assignment terms alone and joined by and, in any case', () => {
    assert.deepEqual(parseAssignmentFilter(null), { atScope: false });
    assert.deepEqual(parseAssignmentFilter('atScope()'), { atScope: true });
    assert.deepEqual(parseAssignmentFilter("PRINCIPALID eq 'abc'"), { atScope: false, principalId: 'abc' });
    assert.deepEqual(parseAssignmentFilter("atScope() and assignedTo('x')"), { atScope: true, assignedTo: 'x' });
  });

  it("keeps ' and ' inside a quoted role name and undoubles quotes", () => {
    assert.deepEqual(parseDefinitionFilter("roleName eq 'Reader and Data Access'"), {
      atScopeAndBelow: false,
      roleName: 'Reader and Data Access',
    });
    assert.deepEqual(parseDefinitionFilter("roleName eq 'O''Brien' and type eq 'customrole'"), {
      atScopeAndBelow: false,
      roleName: "O'Brien",
      type: 'CustomRole',
    });
    assert.deepEqual(parseDefinitionFilter('atScopeAndBelow()'), { atScopeAndBelow: true });
  });

  it('refuses unknown terms, missing and, and unknown role types with InvalidFilter', () => {
    assert.throws(() => parseAssignmentFilter("roleName eq 'Reader'"), invalidFilter);
    assert.throws(() => parseAssignmentFilter("atScope() principalId eq 'x'"), invalidFilter);
    assert.throws(() => parseAssignmentFilter("principalId eq 'unterminated"), invalidFilter);
    assert.throws(() => parseDefinitionFilter("type eq 'Robot'"), invalidFilter);
    assert.throws(() => parseDefinitionFilter('atScope()'), invalidFilter);
  });
});

describe('scopes', () => {
  it('parses the root, subscriptions, groups and (child, extension) resources', () => {
    assert.deepEqual(parseScope('/'), { kind: 'root' });
    assert.deepEqual(parseScope('/subscriptions/S'), { kind: 'subscription', subscriptionId: 'S' });
    assert.deepEqual(parseScope('/SUBSCRIPTIONS/S/resourcegroups/G'), {
      kind: 'resourceGroup',
      subscriptionId: 'S',
      resourceGroup: 'G',
    });
    assert.deepEqual(parseScope('/subscriptions/S/resourceGroups/G/providers/N.S/t/n/c/m/providers/X.Y/z/w'), {
      kind: 'resource',
      subscriptionId: 'S',
      resourceGroup: 'G',
      topType: 'N.S/t',
      topId: '/subscriptions/S/resourceGroups/G/providers/N.S/t/n',
    });
    assert.equal(parseScope('/subscriptions/S/providers/Microsoft.Security/pricings/default').kind, 'resource');
  });

  it('refuses half scopes and management groups with InvalidScope', () => {
    for (const s of [
      '/subscriptions',
      '/subscriptions/S/resourceGroups',
      '/subscriptions/S/resourceGroups/G/providers/N/t',
      '/subscriptions/S/resourceGroups/G/providers/N/t/n/c',
      '/subscriptions/S/resourceGroups/G/x/y',
      '/providers/Microsoft.Management/managementGroups/m',
      '/tenants/t',
    ]) {
      assert.throws(
        () => parseScope(s),
        (e: unknown) => isDomainError(e) && e.code === 'InvalidScope',
        s,
      );
    }
  });

  it('compares whole segments, case-insensitively, with the root above everything', () => {
    assert.equal(isAtOrAbove('/', '/subscriptions/a'), true);
    assert.equal(isAtOrAbove('/subscriptions/A', '/subscriptions/a/resourceGroups/x'), true);
    assert.equal(isAtOrAbove('/subscriptions/a/', '/subscriptions/a'), true);
    assert.equal(isAtOrAbove('/subscriptions/a', '/subscriptions/ab'), false);
    assert.equal(isAtOrAbove('/subscriptions/a/resourceGroups/x', '/subscriptions/a'), false);
    assert.equal(normalizeScope('//subscriptions//a/'), '/subscriptions/a');
  });

  it('reports role definition ids under the scope subscription, or tenant-level at the root', () => {
    assert.equal(
      roleDefinitionIdAt('/subscriptions/s/resourceGroups/g', 'x'),
      '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/x',
    );
    assert.equal(roleDefinitionIdAt('/', 'x'), '/providers/Microsoft.Authorization/roleDefinitions/x');
  });
});
