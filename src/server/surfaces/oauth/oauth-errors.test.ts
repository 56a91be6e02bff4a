import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../kernel/errors.js';
import type { TokenRefusal } from '../../../kernel/error-codes.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { RateLimitExceeded } from '../../../kernel/token-buckets.js';
import { OAUTH_ERROR_STATUS, OAuthError, toOAuthError } from './oauth-errors.js';

describe('OAuth error codes', () => {
  it('takes a fixed status from the table and a listed one as given', () => {
    assert.equal(new OAuthError('unsupported_grant_type', 70003, 'm').status, 400);
    assert.equal(new OAuthError('server_error', 90033, 'm').status, 500);
    assert.equal(new OAuthError('invalid_client', 7000218, 'm', 401).status, 401);
    assert.equal(toOAuthError(new BodyTooLargeError(10)).status, 413);
    assert.deepEqual(
      [toOAuthError(new RateLimitExceeded('slow', 2)).status, toOAuthError(new RateLimitExceeded('slow', 2)).aadsts],
      [429, 90055],
    );
  });

  it('lists several statuses only for codes that need them', () => {
    for (const [code, s] of Object.entries(OAUTH_ERROR_STATUS)) {
      if (typeof s !== 'number') assert.ok(s.length > 1 && new Set(s).size === s.length, code);
    }
  });

  it('maps every token refusal as Entra answers it', () => {
    const expected: Record<TokenRefusal, [number, string, number]> = {
      unknown_client: [400, 'unauthorized_client', 700016],
      bad_secret: [401, 'invalid_client', 7000215],
      unknown_tenant: [400, 'invalid_request', 90002],
      signing_overloaded: [503, 'temporarily_unavailable', 90033],
      unknown_identity: [400, 'invalid_client', 700016],
      no_matching_federated_credential: [400, 'invalid_client', 70021],
      assertion_audience: [400, 'invalid_client', 700212],
      assertion_malformed: [400, 'invalid_client', 50027],
      assertion_signature: [400, 'invalid_client', 700027],
      assertion_lifetime: [400, 'invalid_client', 700024],
      issuer_keys_unavailable: [400, 'invalid_client', 700027],
      invalid_login_link: [400, 'invalid_grant', 70008],
    };
    for (const [code, want] of Object.entries(expected)) {
      const e = toOAuthError(new DomainError('unauthenticated', 'why', { code: code as TokenRefusal }));
      assert.deepEqual([e.status, e.error, e.aadsts, e.message], [...want, 'why'], code);
    }
    const other = toOAuthError(new DomainError('invalid', 'bad', { code: 'BadRequest' }));
    assert.deepEqual([other.status, other.error, other.aadsts], [400, 'invalid_request', 900144]);
  });
});
