import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../kernel/errors.js';
import { gateSignInEvent } from './gate-sign-ins.js';

const report = {
  at: 1_700_000_000_123.7,
  correlationId: 'c-1',
  principalId: '11111111-2222-3333-4444-555555555555',
  clientId: null,
  identityResourceId: '',
  resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg',
  audience: 'https://ossrdbms-aad.database.windows.net',
  result: 'failure',
  errorCode: 'Forbidden',
  reason: 'RBAC denied',
  latencyMs: 12,
};

describe('gateSignInEvent', () => {
  it('makes a gate row with the guarded resource as the calling resource', () => {
    const e = gateSignInEvent(report);
    assert.equal(e.flow, 'gate');
    assert.equal(e.source, 'gate');
    assert.equal(e.at, 1_700_000_000_123);
    assert.equal(e.callingResourceId, report.resourceId);
    assert.equal(e.identityResourceId, null, 'an empty optional value is null');
    assert.equal(e.agentId, null);
    assert.equal(e.errorCode, 'Forbidden');
  });

  for (const [what, body] of [
    ['a non-object', [report]],
    ['an unknown result', { ...report, result: 'maybe' }],
    ['no resource', { ...report, resourceId: '' }],
    ['no correlation id', { ...report, correlationId: undefined }],
    ['a negative latency', { ...report, latencyMs: -1 }],
    ['a numeric principal', { ...report, principalId: 7 }],
  ] as const)
    it(`refuses ${what} with a message that names the rule`, () =>
      assert.throws(
        () => gateSignInEvent(body),
        (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && /gate sign-in: /.test(e.message),
      ));
});
