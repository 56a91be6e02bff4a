import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Authorizer } from '../rbac/authorizer.js';
import { grantedActions, parseScopes } from './registry-scopes.js';

/** Allows exactly the listed actions at the listed scope, as the RBAC evaluator would after an assignment. */
const allowing = (scope: string, actions: string[]): Authorizer =>
  ({
    check: async (_p: string, action: string, at: string) =>
      actions.includes(action) && at === scope
        ? { allowed: true, reason: 'assigned' }
        : { allowed: false, reason: `no assignment grants ${action}` },
  }) as unknown as Authorizer;

describe('registry scopes', () => {
  it('parses repository scopes, several per parameter, and ignores other types and malformed names', () => {
    assert.deepEqual(
      parseScopes(['repository:team/app:pull,push', 'repository:base:pull registry:catalog:*', 'repository:Bad:pull']),
      [
        { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
        { type: 'repository', name: 'base', actions: ['pull'] },
      ],
    );
  });

  it('grants pull with AcrPull actions, push only with the push action, never delete or *', async () => {
    const reg = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr1';
    const pullOnly = allowing(reg, ['Microsoft.ContainerRegistry/registries/pull/read']);
    assert.deepEqual(await grantedActions(pullOnly, 'p', reg, ['pull', 'push']), ['pull']);
    const push = allowing(reg, [
      'Microsoft.ContainerRegistry/registries/pull/read',
      'Microsoft.ContainerRegistry/registries/push/write',
    ]);
    assert.deepEqual(await grantedActions(push, 'p', reg, ['pull', 'push', 'delete', '*']), ['pull', 'push']);
    assert.deepEqual(await grantedActions(push, 'p', `${reg}x`, ['pull']), []);
  });
});
