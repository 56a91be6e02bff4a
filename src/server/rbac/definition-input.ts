import { invalid, isDomainError } from '../../kernel/errors.js';
import type { DomainErrorCode } from '../../kernel/error-codes.js';
import type { RolePermission } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { normalizeScope, requireScopeExists } from './scopes.js';

/** The writable properties of a custom role as the wire gives them (unchecked). */
export interface DefinitionInput {
  roleName?: unknown;
  description?: unknown;
  type?: unknown;
  permissions?: unknown;
  assignableScopes?: unknown;
}

export interface CheckedDefinition {
  roleName: string;
  description: string;
  permissions: RolePermission[];
  assignableScopes: string[];
}

// Operation strings are `Namespace/type/.../verb` with `*` wildcards; anything else can never match.
const OPERATION = /^[A-Za-z0-9*][A-Za-z0-9._*/-]*$/;
const PERMISSION_KEYS = ['actions', 'notActions', 'dataActions', 'notDataActions'] as const;

const bad = (message: string, code: DomainErrorCode, target: string) =>
  invalid(message, { code, target: `properties.${target}` });

function operations(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`'${where}' must be an array of operation strings.`, 'InvalidRequestContent', where);
  for (const op of v) {
    if (typeof op !== 'string' || op.length > 512 || !OPERATION.test(op)) {
      throw bad(
        `'${String(op)}' in '${where}' is not a valid operation: use 'Namespace/resourceType/verb', with '*' as a wildcard.`,
        'InvalidActionOrNotAction',
        where,
      );
    }
  }
  return v as string[];
}

function permissionsOf(v: unknown): RolePermission[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw bad(
      "'permissions' must be a non-empty array of {actions, notActions, dataActions, notDataActions}.",
      'InvalidRequestContent',
      'permissions',
    );
  }
  return v.map((block, i) => {
    if (typeof block !== 'object' || block === null || Array.isArray(block))
      throw bad(`permissions[${i}] must be an object.`, 'InvalidRequestContent', `permissions[${i}]`);
    const b = block as Record<string, unknown>;
    const [actions, notActions, dataActions, notDataActions] = PERMISSION_KEYS.map((k) =>
      operations(b[k], `permissions[${i}].${k}`),
    );
    return { actions: actions!, notActions: notActions!, dataActions: dataActions!, notDataActions: notDataActions! };
  });
}

const badScopes = (message: string) => bad(message, 'InvalidAssignableScopes', 'assignableScopes');

/** Non-empty, never the root (as in Azure: custom roles name subscriptions or lower), each existing. */
async function assignableScopesOf(repos: StoreRepos, v: unknown): Promise<string[]> {
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string')) {
    throw badScopes('\'assignableScopes\' must be a non-empty array of scopes, e.g. ["/subscriptions/{id}"].');
  }
  const scopes = [
    ...new Map((v as string[]).map((s) => [normalizeScope(s).toLowerCase(), normalizeScope(s)])).values(),
  ];
  for (const s of scopes) {
    if (s === '/')
      throw badScopes(
        "A custom role cannot be assignable at the root scope '/': list subscriptions, resource groups or resources.",
      );
    try {
      await requireScopeExists(repos, s);
    } catch (e) {
      if (isDomainError(e)) throw badScopes(`The assignable scope '${s}' is not valid: ${e.message}`);
      throw e;
    }
  }
  return scopes;
}

export async function checkDefinitionInput(repos: StoreRepos, input: DefinitionInput): Promise<CheckedDefinition> {
  const { roleName, description, type } = input;
  if (typeof roleName !== 'string' || roleName.trim() === '' || roleName.length > 512) {
    throw bad(
      "'roleName' is required: a name of at most 512 characters, unique in the tenant.",
      'InvalidRequestContent',
      'roleName',
    );
  }
  if (
    description !== undefined &&
    description !== null &&
    (typeof description !== 'string' || description.length > 2048)
  ) {
    throw bad("'description' must be a string of at most 2048 characters.", 'InvalidRequestContent', 'description');
  }
  if (type !== undefined && type !== null && String(type).toLowerCase() !== 'customrole') {
    throw bad(
      `Only custom roles can be created: 'type' must be 'CustomRole', not '${String(type)}'.`,
      'InvalidRequestContent',
      'type',
    );
  }
  return {
    roleName: roleName.trim(),
    description: typeof description === 'string' ? description : '',
    permissions: permissionsOf(input.permissions),
    assignableScopes: await assignableScopesOf(repos, input.assignableScopes),
  };
}
