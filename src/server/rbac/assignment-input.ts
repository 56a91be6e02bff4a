import { invalid } from '../../kernel/errors.js';
import type { DomainErrorCode } from '../../kernel/error-codes.js';
import { isGuid } from './scopes.js';

/** The writable properties of a role assignment as the wire gives them (unchecked). */
export interface AssignmentInput {
  roleDefinitionId?: unknown;
  principalId?: unknown;
  principalType?: unknown;
  description?: unknown;
  condition?: unknown;
  conditionVersion?: unknown;
}

/** The checked input; `roleGuid` is lower-case. */
export interface CheckedAssignment {
  roleGuid: string;
  principalId: string;
  principalType: string | undefined;
  description: string | null;
  condition: string | null;
  conditionVersion: string | null;
}

const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];
const ROLE_ID =
  /^(?:\/subscriptions\/[^/]+)?(?:\/resourceGroups\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;

const bad = (message: string, code: DomainErrorCode, target: string) =>
  invalid(message, { code, target: `properties.${target}` });

function optionalString(v: unknown, name: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max)
    throw bad(`'${name}' must be a string of at most ${max} characters.`, 'InvalidRequestContent', name);
  return v;
}

/** Accepts `/subscriptions/{s}/providers/…/roleDefinitions/{guid}` or `/providers/…/{guid}` (docs/wire/arm.md). */
function roleGuidOfInput(v: unknown): string {
  if (v === undefined || v === null || v === '')
    throw bad("'roleDefinitionId' is required.", 'InvalidRequestContent', 'roleDefinitionId');
  const m = typeof v === 'string' ? ROLE_ID.exec(v) : null;
  if (!m || !isGuid(m[1]!)) {
    throw bad(
      `The role definition id '${String(v)}' is not valid. Use '/subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid}' or '/providers/Microsoft.Authorization/roleDefinitions/{guid}'.`,
      'InvalidRoleDefinitionId',
      'roleDefinitionId',
    );
  }
  return m[1]!.toLowerCase();
}

function principalTypeOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const known = PRINCIPAL_TYPES.find((t) => typeof v === 'string' && t.toLowerCase() === v.toLowerCase());
  if (!known)
    throw bad(
      `The principal type '${String(v)}' is not valid. Use one of ${PRINCIPAL_TYPES.join(', ')}.`,
      'InvalidPrincipalType',
      'principalType',
    );
  return known;
}

/** ABAC conditions: stored as given; only version 2.0 exists (docs/wire/arm.md). */
function conditionOf(input: AssignmentInput): { condition: string | null; conditionVersion: string | null } {
  const condition = optionalString(input.condition, 'condition', 8192);
  const version = optionalString(input.conditionVersion, 'conditionVersion', 16);
  if (version !== null && version !== '2.0')
    throw bad(
      `conditionVersion '${version}' is not supported: use '2.0'.`,
      'InvalidConditionVersion',
      'conditionVersion',
    );
  if (condition === null && version !== null)
    throw bad("conditionVersion was given without a 'condition'.", 'InvalidRequestContent', 'conditionVersion');
  return { condition, conditionVersion: condition === null ? null : '2.0' };
}

export function checkAssignmentInput(input: AssignmentInput): CheckedAssignment {
  const roleGuid = roleGuidOfInput(input.roleDefinitionId);
  const principalId = input.principalId;
  if (typeof principalId !== 'string' || principalId === '')
    throw bad("'principalId' is required: the object id of the principal.", 'InvalidRequestContent', 'principalId');
  return {
    roleGuid,
    principalId,
    principalType: principalTypeOf(input.principalType),
    description: optionalString(input.description, 'description', 2048),
    ...conditionOf(input),
  };
}
