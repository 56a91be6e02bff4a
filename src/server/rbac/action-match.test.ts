import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedPatternCount, operationMatches, PATTERN_CACHE_LIMIT } from './action-match.js';
import { scopeCovers } from './scope.js';

const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

describe('operation matching', () => {
  it('compares case-insensitively, literally otherwise', () => {
    assert.equal(
      operationMatches('Microsoft.Authorization/*/Write', 'microsoft.authorization/roleAssignments/write'),
      true,
    );
    assert.equal(operationMatches(`${UAI}/read`, `${UAI.toUpperCase()}/READ`), true);
    assert.equal(operationMatches(`${UAI}/read`, `${UAI}/reads`), false);
    assert.equal(operationMatches(`${UAI}/read`, `${UAI}/rea`), false);
  });

  it('a bare, leading or trailing * matches any characters including /', () => {
    assert.equal(operationMatches('*', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'), true);
    assert.equal(operationMatches('*/read', 'Microsoft.Storage/storageAccounts/blobServices/containers/read'), true);
    assert.equal(operationMatches('*/read', 'Microsoft.Storage/storageAccounts/write'), false);
    assert.equal(operationMatches('Microsoft.Storage/*', 'Microsoft.Storage/storageAccounts/listKeys/action'), true);
    assert.equal(operationMatches('Microsoft.Storage/*', 'Microsoft.StorageSync/storageSyncServices/read'), false);
  });

  it('an infix /*/ matches zero segments (Managed Identity Operator must cover …/userAssignedIdentities/read)', () => {
    assert.equal(operationMatches(`${UAI}/*/read`, `${UAI}/read`), true);
    assert.equal(operationMatches(`${UAI}/*/assign/action`, `${UAI}/assign/action`), true);
  });

  it('an infix /*/ matches one or more segments', () => {
    assert.equal(operationMatches(`${UAI}/*/read`, `${UAI}/federatedIdentityCredentials/read`), true);
    assert.equal(
      operationMatches('Microsoft.Storage/*/read', 'Microsoft.Storage/storageAccounts/blobServices/containers/read'),
      true,
    );
    assert.equal(
      operationMatches('Microsoft.Authorization/*/read', 'Microsoft.Authorization/roleAssignments/read'),
      true,
    );
  });

  it('an infix /*/ does not swallow the neighbouring literals', () => {
    assert.equal(operationMatches(`${UAI}/*/read`, `${UAI}read`), false);
    assert.equal(operationMatches(`${UAI}/*/read`, `${UAI}/write`), false);
    assert.equal(operationMatches(`${UAI}/*/read`, 'Microsoft.ManagedIdentity/identities/read'), false);
    assert.equal(operationMatches('Microsoft.Storage/*/read', 'Microsoft.StorageSync/x/read'), false);
  });

  it('a * inside a segment matches within and across segments', () => {
    assert.equal(operationMatches('Microsoft.Storage/storage*/read', 'Microsoft.Storage/storageAccounts/read'), true);
    assert.equal(
      operationMatches('Microsoft.Storage/storage*/read', 'Microsoft.Storage/storageAccounts/blobServices/read'),
      true,
    );
    assert.equal(operationMatches('Microsoft.Storage/storage*/read', 'Microsoft.Storage/other/read'), false);
  });

  it('regex metacharacters in a pattern are literals', () => {
    assert.equal(operationMatches('Microsoft.Storage/read', 'MicrosoftXStorage/read'), false);
    assert.equal(operationMatches('a+b/(c)/read', 'a+b/(c)/read'), true);
    assert.equal(operationMatches('a+b/(c)/read', 'aab/c/read'), false);
  });

  it('keeps the compiled-pattern cache bounded', () => {
    for (let i = 0; i < PATTERN_CACHE_LIMIT + 50; i++) operationMatches(`Custom.Ns/type${i}/*`, 'Custom.Ns/type1/read');
    assert.equal(cachedPatternCount(), PATTERN_CACHE_LIMIT);
    // Evicted patterns are recompiled on demand and still answer correctly.
    assert.equal(operationMatches('Custom.Ns/type0/*', 'Custom.Ns/type0/read'), true);
  });
});

describe('scope inheritance', () => {
  const sub = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';

  it('the root and every ancestor cover a scope, in any casing', () => {
    const target = `${sub}/resourceGroups/rg1/providers/${UAI}/id1`;
    for (const s of ['/', sub, `${sub}/resourceGroups/RG1`, target.toUpperCase(), `${sub}/`])
      assert.equal(scopeCovers(s, target), true, s);
  });

  it('a prefix counts only at a segment boundary', () => {
    assert.equal(scopeCovers('/subscriptions/a', '/subscriptions/ab'), false);
    assert.equal(scopeCovers(`${sub}/resourceGroups/rg`, `${sub}/resourceGroups/rg1`), false);
    assert.equal(scopeCovers('/subscriptions/a', '/subscriptions/a/resourceGroups/b'), true);
  });

  it('a child scope does not cover its parent or a sibling', () => {
    assert.equal(scopeCovers(`${sub}/resourceGroups/rg1`, sub), false);
    assert.equal(scopeCovers(`${sub}/resourceGroups/rg1`, `${sub}/resourceGroups/rg2`), false);
    assert.equal(scopeCovers(sub, '/'), false);
  });
});
