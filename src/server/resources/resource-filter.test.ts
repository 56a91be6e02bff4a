import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDomainError } from '../../kernel/errors.js';
import { parseResourceFilter } from './resource-filter.js';
import type { ArmResource } from './resource-kinds.js';

const res = (name: string, o: Partial<ArmResource> = {}): ArmResource => ({
  id: `/subscriptions/s/resourceGroups/rg-a/providers/Microsoft.KeyVault/vaults/${name}`,
  type: 'Microsoft.KeyVault/vaults',
  name,
  subscriptionId: 's',
  resourceGroup: 'rg-a',
  location: 'westeurope',
  tags: {},
  createdAt: 0,
  updatedAt: 0,
  extras: {},
  ...o,
});
const SAMPLE = [
  res("o'brien", { tags: { Env: 'Prod', team: 'a' } }),
  res('alpha', { resourceGroup: 'rg-b', tags: { env: 'dev' } }),
  res('beta', {
    type: 'Microsoft.Storage/storageAccounts',
    location: 'eastus',
    identity: { systemPrincipalId: 'p-1', userAssignedIdentityIds: [] },
  }),
];
const match = (filter: string) => SAMPLE.filter(parseResourceFilter(filter).matches).map((r) => r.name);

describe('Resources – List $filter', () => {
  it('reads quotes doubled inside values, any keyword casing, and parentheses', () => {
    assert.deepEqual(match("NAME EQ 'O''Brien'"), ["o'brien"]);
    assert.deepEqual(
      match("(name eq 'alpha' or name eq 'beta') and resourceType ne 'microsoft.storage/storageaccounts'"),
      ['alpha'],
    );
    assert.deepEqual(match("substringof('ET', name) or location eq 'East US'"), ['beta']);
    assert.deepEqual(match("identity/principalId eq 'p-1'"), ['beta']);
  });

  it('pairs tagName and tagValue within one and-chain; tag names ignore case, tag values do not', () => {
    assert.deepEqual(match("tagName eq 'env' and tagValue eq 'Prod'"), ["o'brien"]);
    assert.deepEqual(match("tagName eq 'team' and tagValue eq 'Prod'"), [], 'the value belongs to another tag');
    assert.deepEqual(match("tagValue eq 'prod'"), []);
    assert.deepEqual(match("startswith(tagname, 'TE')"), ["o'brien"]);
    assert.deepEqual(match("tagName ne 'env'"), ['beta']);
  });

  it('narrows the listing only by top-level eq on resourceType and resourceGroup', () => {
    assert.deepEqual(
      { ...parseResourceFilter("resourceType eq 'A/b' and resourceGroup eq 'RG'"), matches: undefined },
      { matches: undefined, type: 'A/b', resourceGroup: 'RG' },
    );
    for (const f of [
      "resourceType eq 'A/b' or name eq 'x'",
      "resourceType ne 'A/b'",
      "(resourceGroup eq 'a' or resourceGroup eq 'b')",
    ]) {
      const p = parseResourceFilter(f);
      assert.equal(p.type, undefined, f);
      assert.equal(p.resourceGroup, undefined, f);
    }
  });

  it('matches everything without a filter and refuses what it cannot read, saying what is supported', () => {
    assert.equal(match('').length, SAMPLE.length);
    for (const f of [
      "plan eq 'x'",
      "name eq 'unterminated",
      "name gt 'a'",
      "substringof('a', location)",
      "startswith(name, 'a')",
      "name eq 'a' and",
      "(name eq 'a'",
      "name eq 'a')",
    ]) {
      assert.throws(
        () => parseResourceFilter(f),
        (e: unknown) =>
          isDomainError(e) && e.code === 'InvalidFilterInQueryString' && /openmi supports/.test(e.message),
        f,
      );
    }
  });
});
