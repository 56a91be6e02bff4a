import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, type DomainErrorKind } from '../../../kernel/errors.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { ARM_ERROR_STATUS } from '../../../wire/arm-error-codes.js';
import { ArmError, toArmError } from './arm-errors.js';

describe('ARM error codes', () => {
  it('lists only error statuses, several only as distinct ones', () => {
    for (const [code, s] of Object.entries(ARM_ERROR_STATUS)) {
      const all: readonly number[] = typeof s === 'number' ? [s] : s;
      assert.ok(all.length > 0 && all.every((n) => n >= 400 && n <= 599), code);
      assert.equal(new Set(all).size, all.length, code);
    }
  });

  it('takes an ArmError status from the table', () => {
    assert.equal(new ArmError('ResourceNotFound', 'm').status, 404);
    assert.equal(new ArmError('MethodNotAllowed', 'm').status, 405);
    assert.equal(toArmError(new BodyTooLargeError(10)).status, 413);
    assert.equal(toArmError(new Error('boom')).status, 500);
  });

  it('gives a domain error the status of its kind, whatever code it carries', () => {
    const kinds: Record<DomainErrorKind, [number, string]> = {
      not_found: [404, 'ResourceNotFound'],
      conflict: [409, 'Conflict'],
      invalid: [400, 'BadRequest'],
      unauthenticated: [401, 'AuthenticationFailed'],
      forbidden: [403, 'AuthorizationFailed'],
      precondition_failed: [412, 'PreconditionFailed'],
      unavailable: [503, 'ServiceUnavailable'],
    };
    for (const [kind, [status, code]] of Object.entries(kinds)) {
      const e = toArmError(new DomainError(kind as DomainErrorKind, 'm', { target: 't' }));
      assert.deepEqual([e.status, e.code, e.message, e.target], [status, code, 'm', 't'], kind);
    }
    for (const [kind, status] of [
      ['not_found', 404],
      ['invalid', 400],
    ] as const) {
      const e = toArmError(new DomainError(kind, 'm', { code: 'RoleDefinitionDoesNotExist' }));
      assert.deepEqual([e.status, e.code], [status, 'RoleDefinitionDoesNotExist']);
      assert.ok((ARM_ERROR_STATUS.RoleDefinitionDoesNotExist as readonly number[]).includes(status));
    }
  });
});
