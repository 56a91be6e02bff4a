import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { SignInEvent } from '../../audit/sign-ins.js';
import { TokenMetrics } from './token-metrics.js';

const UAMI = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u';
const VM = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm';

function event(over: Partial<SignInEvent>): SignInEvent {
  return {
    at: 0,
    correlationId: 'c',
    flow: 'managedIdentity',
    principalId: null,
    clientId: null,
    identityResourceId: null,
    callingResourceId: null,
    agentId: null,
    audience: null,
    result: 'success',
    errorCode: null,
    reason: null,
    latencyMs: 0,
    ...over,
  };
}

async function series(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe('TokenMetrics labels', () => {
  it('names the identity kind from the identity id, never the id itself', async () => {
    const registry = new Registry();
    const m = new TokenMetrics(registry, [1]);
    m.outcome(event({ identityResourceId: UAMI }));
    m.outcome(event({ identityResourceId: VM }));
    m.outcome(event({ flow: 'clientCredentials' }));
    assert.deepEqual((await series(registry, 'openmi_tokens_issued_total')).sort(), [
      'openmi_tokens_issued_total{flow="client_credentials",identity_kind="application"} 1',
      'openmi_tokens_issued_total{flow="managed_identity",identity_kind="system_assigned"} 1',
      'openmi_tokens_issued_total{flow="managed_identity",identity_kind="user_assigned"} 1',
    ]);
  });

  it('keeps reasons bounded: odd codes and codes past the 64th distinct one count as other', async () => {
    const registry = new Registry();
    const m = new TokenMetrics(registry, [1]);
    for (let i = 0; i < 70; i++) m.outcome(event({ result: 'failure', errorCode: `code_${i}` }));
    m.outcome(event({ result: 'failure', errorCode: 'not a code/../x' }));
    m.outcome(event({ result: 'failure', errorCode: 'code_3' }));
    const lines = await series(registry, 'openmi_tokens_refused_total');
    assert.equal(lines.length, 65);
    assert.ok(lines.includes('openmi_tokens_refused_total{flow="managed_identity",reason="other"} 7'));
    assert.ok(lines.includes('openmi_tokens_refused_total{flow="managed_identity",reason="code_3"} 2'));
  });
});
