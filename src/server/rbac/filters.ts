import { invalid } from '../../kernel/errors.js';

/**
 * The `$filter` dialects of Microsoft.Authorization lists (docs/wire/arm.md): a few fixed terms
 * joined by `and`. Parsed term by term rather than split on ' and ', because role names such as
 * 'Reader and Data Access' contain it. Quotes inside a value are doubled, as in OData.
 */
type Terms = Record<string, RegExp>;

const QUOTED = "'((?:[^']|'')*)'";

const ASSIGNMENT_TERMS: Terms = {
  atScope: /^atScope\(\)/i,
  principalId: new RegExp(`^principalId\\s+eq\\s+${QUOTED}`, 'i'),
  assignedTo: new RegExp(`^assignedTo\\(${QUOTED}\\)`, 'i'),
};

const DEFINITION_TERMS: Terms = {
  atScopeAndBelow: /^atScopeAndBelow\(\)/i,
  roleName: new RegExp(`^roleName\\s+eq\\s+${QUOTED}`, 'i'),
  type: new RegExp(`^type\\s+eq\\s+${QUOTED}`, 'i'),
};

function parseTerms(filter: string | null, terms: Terms, example: string): Map<string, string> {
  const found = new Map<string, string>();
  let rest = (filter ?? '').trim();
  while (rest !== '') {
    const hit = Object.entries(terms)
      .map(([name, re]) => [name, re.exec(rest)] as const)
      .find(([, m]) => m !== null);
    if (!hit) {
      throw invalid(`The $filter '${filter}' is not supported. Supported terms, joined by 'and': ${example}.`, {
        code: 'InvalidFilter',
        target: '$filter',
      });
    }
    const [name, m] = hit;
    found.set(name, (m![1] ?? '').replace(/''/g, "'"));
    rest = rest.slice(m![0].length).trim();
    const and = /^and\s+/i.exec(rest);
    if (and) rest = rest.slice(and[0].length);
    else if (rest !== '')
      throw invalid(`The $filter '${filter}' is not supported: join terms with 'and'.`, {
        code: 'InvalidFilter',
        target: '$filter',
      });
  }
  return found;
}

/** What a role assignment list returns: see RoleAssignmentService.list. */
export interface AssignmentFilter {
  /** Only at or above the scope (inherited), not below. */
  atScope: boolean;
  principalId?: string;
  /** The principal's assignments at or above the scope (groups would be expanded; openmi has none). */
  assignedTo?: string;
}

export function parseAssignmentFilter(filter: string | null): AssignmentFilter {
  const t = parseTerms(filter, ASSIGNMENT_TERMS, "atScope(), principalId eq '{objectId}', assignedTo('{objectId}')");
  return {
    atScope: t.has('atScope'),
    ...(t.has('principalId') ? { principalId: t.get('principalId')! } : {}),
    ...(t.has('assignedTo') ? { assignedTo: t.get('assignedTo')! } : {}),
  };
}

export interface DefinitionFilter {
  roleName?: string;
  type?: 'BuiltInRole' | 'CustomRole';
  /** Also custom roles assignable only below the scope. */
  atScopeAndBelow: boolean;
}

export function parseDefinitionFilter(filter: string | null): DefinitionFilter {
  const t = parseTerms(
    filter,
    DEFINITION_TERMS,
    "roleName eq '{name}', type eq 'BuiltInRole'|'CustomRole', atScopeAndBelow()",
  );
  const type = t.get('type');
  const known =
    type === undefined
      ? undefined
      : (['BuiltInRole', 'CustomRole'] as const).find((k) => k.toLowerCase() === type.toLowerCase());
  if (type !== undefined && !known) {
    throw invalid(`The role type '${type}' in $filter is not supported: use 'BuiltInRole' or 'CustomRole'.`, {
      code: 'InvalidFilter',
      target: '$filter',
    });
  }
  return {
    atScopeAndBelow: t.has('atScopeAndBelow'),
    ...(t.has('roleName') ? { roleName: t.get('roleName')! } : {}),
    ...(known ? { type: known } : {}),
  };
}
