import { invalid } from '../../kernel/errors.js';
import type { ComputeType } from '../../wire/compute-types.js';

/** The requested identity of a compute resource, after parsing (docs/wire/arm.md). */
export interface IdentityState {
  system: boolean;
  /** ARM ids of attached user-assigned identities, in attach order. */
  userAssigned: string[];
}

interface ParsedRequest {
  system: boolean;
  user: boolean;
  /** Map entries: id → true (attach) or false (null: detach). */
  entries: Map<string, { id: string; attach: boolean }>;
}

const TYPES: Record<string, { system: boolean; user: boolean }> = {
  none: { system: false, user: false },
  systemassigned: { system: true, user: false },
  userassigned: { system: false, user: true },
  'systemassigned,userassigned': { system: true, user: true },
};

function parseType(raw: unknown): { system: boolean; user: boolean } {
  const key = typeof raw === 'string' ? raw.replace(/\s+/g, '').toLowerCase() : '';
  const t = TYPES[key];
  if (!t) {
    throw invalid(
      `The identity type '${String(raw)}' is not supported. Use one of: None, SystemAssigned, UserAssigned, 'SystemAssigned, UserAssigned'.`,
      { code: 'InvalidIdentityType', target: 'identity.type' },
    );
  }
  return t;
}

function parseRequest(raw: unknown): ParsedRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid('\'identity\' must be an object such as {"type":"SystemAssigned"}.', {
      code: 'InvalidRequestContent',
      target: 'identity',
    });
  const body = raw as { type?: unknown; userAssignedIdentities?: unknown };
  const { system, user } = parseType(body.type);
  const entries = new Map<string, { id: string; attach: boolean }>();
  const map = body.userAssignedIdentities;
  if (map !== undefined && map !== null) {
    if (typeof map !== 'object' || Array.isArray(map))
      throw invalid("'identity.userAssignedIdentities' must be an object keyed by identity resource id.", {
        code: 'InvalidRequestContent',
        target: 'identity.userAssignedIdentities',
      });
    for (const [id, v] of Object.entries(map)) entries.set(id.toLowerCase(), { id, attach: v !== null });
  }
  return { system, user, entries };
}

/**
 * Applies a requested `identity` block to the current state. PUT replaces the user-assigned map;
 * PATCH merges it (a `null` value detaches). A type without UserAssigned detaches every
 * user-assigned identity; a type with it must leave at least one attached.
 */
export function applyIdentityRequest(
  current: IdentityState,
  raw: unknown,
  mode: 'put' | 'patch',
  type: ComputeType,
): IdentityState {
  const req = parseRequest(raw);
  if (req.user && !type.userAssigned) {
    throw invalid(`Resources of type '${type.type}' support only the SystemAssigned identity.`, {
      code: 'InvalidIdentityType',
      target: 'identity.type',
    });
  }
  const attached = new Map<string, string>();
  if (mode === 'patch') for (const id of current.userAssigned) attached.set(id.toLowerCase(), id);
  for (const [key, e] of req.entries) {
    if (e.attach) attached.set(key, attached.get(key) ?? e.id);
    else attached.delete(key);
  }
  if (!req.user) {
    const asked = [...req.entries.values()].some((e) => e.attach);
    if (asked)
      throw invalid(
        `identity.userAssignedIdentities was given but identity.type '${req.system ? 'SystemAssigned' : 'None'}' does not include UserAssigned.`,
        { code: 'InvalidIdentityType', target: 'identity.type' },
      );
    return { system: req.system, userAssigned: [] };
  }
  if (attached.size === 0) {
    throw invalid(
      'identity.type includes UserAssigned, so identity.userAssignedIdentities must name at least one user-assigned identity.',
      { code: 'InvalidIdentityValues', target: 'identity.userAssignedIdentities' },
    );
  }
  return { system: req.system, userAssigned: [...attached.values()] };
}

/** The RP's spelling of the identity type for a state. */
export function identityTypeOf(state: IdentityState, type: ComputeType): string {
  if (state.system && state.userAssigned.length > 0) return type.combined;
  if (state.system) return 'SystemAssigned';
  return state.userAssigned.length > 0 ? 'UserAssigned' : 'None';
}
