/**
 * Property test: `evaluate` agrees with a deliberately naive reference evaluator, written here
 * with other techniques (recursive glob matching instead of regular expressions, string prefixes
 * instead of segment arrays), on random scope trees, random roles and random assignments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RoleAssignmentRecord, RolePermission } from '../../store/records.js';
import { operationMatches } from './action-match.js';
import { evaluate, type OperationKind, type ResolvedAssignment } from './evaluate.js';
import type { RoleDefinition } from './roles.js';
import { transitiveGroups } from '../identities/group-expansion.js';

// ---------------------------------------------------------------- reference

/** `*` = any characters; `/*\/` (taken left to right) = `/` or `/…/`; letters compared case-insensitively. */
function globMatch(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p.startsWith('/*/')) {
    if (s[0] !== '/') return false;
    if (globMatch(p.slice(3), s.slice(1))) return true;
    for (let k = 2; k < s.length; k++) if (s[k] === '/' && globMatch(p.slice(3), s.slice(k + 1))) return true;
    return false;
  }
  if (p[0] === '*') {
    for (let k = 0; k <= s.length; k++) if (globMatch(p.slice(1), s.slice(k))) return true;
    return false;
  }
  return s.length > 0 && p[0]!.toLowerCase() === s[0]!.toLowerCase() && globMatch(p.slice(1), s.slice(1));
}

function refCovers(assignmentScope: string, target: string): boolean {
  const a = assignmentScope.toLowerCase().replace(/\/+$/, '');
  const t = target.toLowerCase().replace(/\/+$/, '');
  return a === '' || t === a || t.startsWith(`${a}/`);
}

function refBlock(b: RolePermission, op: string, kind: OperationKind): boolean {
  const allow = kind === 'action' ? b.actions : b.dataActions;
  const deny = kind === 'action' ? b.notActions : b.notDataActions;
  return allow.some((p) => globMatch(p, op)) && !deny.some((p) => globMatch(p, op));
}

function referenceAllows(assignments: ResolvedAssignment[], op: string, scope: string, kind: OperationKind): boolean {
  for (const { assignment, role } of assignments) {
    if (role === undefined || assignment.condition) continue;
    if (!refCovers(assignment.scope, scope)) continue;
    if (role.permissions.some((b) => refBlock(b, op, kind))) return true;
  }
  return false;
}

/** Transitive membership by fixpoint over the edge list (no walk order, no visited set). */
function refMemberOf(edges: readonly [string, string][], principal: string): Set<string> {
  const reach = new Set([principal]);
  for (let changed = true; changed;) {
    changed = false;
    for (const [member, group] of edges) {
      if (reach.has(member) && !reach.has(group)) {
        reach.add(group);
        changed = true;
      }
    }
  }
  return reach;
}

// ---------------------------------------------------------------- generators

// Names differing only in case, and one a prefix of another, so scope and pattern edge cases come up often.
const name = fc.constantFrom('a', 'A', 'ab', 'b');
const scopeArb = fc
  .tuple(fc.integer({ min: 0, max: 3 }), name, name, name)
  .map(
    ([depth, s, g, r]) =>
      [
        '/',
        `/subscriptions/${s}`,
        `/subscriptions/${s}/resourceGroups/${g}`,
        `/subscriptions/${s}/resourceGroups/${g}/providers/Ns.P/t/${r}`,
      ][depth]!,
  );

const opSegment = fc.constantFrom('x', 'X', 'y', 'xy', 'read', 'Read');
const operationArb = fc.array(opSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const patternSegment = fc.constantFrom('x', 'y', 'xy', 'read', '*', 'x*', '*y', 'X');
const patternArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 8, arbitrary: fc.array(patternSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')) },
);
const patterns = (max: number) => fc.array(patternArb, { maxLength: max });
const blockArb = fc.record({
  actions: patterns(3),
  notActions: patterns(2),
  dataActions: patterns(3),
  notDataActions: patterns(2),
});

const roleArb = fc.array(blockArb, { minLength: 1, maxLength: 2 }).map((permissions): RoleDefinition => ({
  id: 'r',
  roleName: 'R',
  type: 'CustomRole',
  description: '',
  assignableScopes: ['/'],
  permissions,
  createdAt: 1,
  updatedAt: 1,
  createdBy: null,
  updatedBy: null,
}));

const assignmentArb = fc
  .record({
    scope: scopeArb,
    role: fc.option(roleArb, { freq: 15 }),
    conditional: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map(({ scope, role, conditional }): ResolvedAssignment => {
    const record: RoleAssignmentRecord = {
      id: `${scope}/ra`,
      name: 'ra',
      scope,
      roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/x',
      principalId: 'p',
      principalType: 'ServicePrincipal',
      description: null,
      createdBy: null,
      createdAt: 1,
      updatedAt: 1,
      condition: conditional ? 'cond' : null,
    };
    return { assignment: record, role: role ?? undefined };
  });

const kindArb = fc.constantFrom<OperationKind>('action', 'dataAction');

// ---------------------------------------------------------------- properties

describe('evaluate agrees with a naive reference evaluator', () => {
  it('on pattern matching alone', () => {
    fc.assert(
      fc.property(patternArb, operationArb, (p, op) => operationMatches(p, op) === globMatch(p, op)),
      { numRuns: 20_000 },
    );
  });

  it('on random scope trees, roles and assignments', () => {
    const outcomes = { allowed: 0, denied: 0 };
    fc.assert(
      fc.property(
        fc.array(assignmentArb, { maxLength: 5 }),
        operationArb,
        scopeArb,
        kindArb,
        (assignments, op, scope, kind) => {
          const got = evaluate({ action: op, scope, kind }, assignments);
          outcomes[got.allowed ? 'allowed' : 'denied']++;
          assert.equal(got.allowed, referenceAllows(assignments, op, scope, kind), got.reason);
          assert.equal(got.considered.length, assignments.length);
        },
      ),
      { numRuns: 5_000 },
    );
    // Both outcomes must be common, or the property would be checking next to nothing.
    assert.ok(outcomes.allowed > 500 && outcomes.denied > 500, JSON.stringify(outcomes));
  });
});

// ---------------------------------------------------------------- nested groups

const GROUPS = ['g0', 'g1', 'g2', 'g3', 'g4'];
const holderArb = fc.constantFrom('p', 'q', ...GROUPS);
// Edges may form cycles: writes refuse them, but racing writers could still close one.
const edgeArb = fc.tuple(fc.constantFrom('p', 'q', ...GROUPS), fc.constantFrom(...GROUPS));

describe('evaluation through nested groups agrees with a fixpoint reference', () => {
  it('on random membership graphs (cycles included) and assignments to principals and groups', async () => {
    const outcomes = { allowed: 0, denied: 0, viaGroup: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(edgeArb, { maxLength: 8 }),
        fc.array(fc.tuple(assignmentArb, holderArb), { maxLength: 5 }),
        operationArb,
        scopeArb,
        kindArb,
        async (edges, held, op, scope, kind) => {
          const lookup = async (id: string) => edges.filter(([m]) => m === id).map(([, groupId]) => ({ groupId }));
          const paths = await transitiveGroups(lookup, 'p');
          // What RbacAuthorizer does: own assignments, then each transitive group's, with its path.
          const mine: ResolvedAssignment[] = held.flatMap(([ra, holder]) => {
            if (holder === 'p') return [ra];
            const path = paths.get(holder);
            return path ? [{ ...ra, via: path.map((id) => ({ id, displayName: id })) }] : [];
          });
          const got = evaluate({ action: op, scope, kind }, mine);
          const reach = refMemberOf(edges, 'p');
          const expected = referenceAllows(
            held.filter(([, h]) => reach.has(h)).map(([ra]) => ra),
            op,
            scope,
            kind,
          );
          assert.equal(got.allowed, expected, got.reason);
          assert.deepEqual(new Set(paths.keys()), new Set([...reach].filter((g) => g !== 'p')));
          for (const path of paths.values()) {
            // Each path is a real chain of memberships starting at the principal.
            path.forEach((g, i) => assert.ok(edges.some(([m, x]) => m === (i === 0 ? 'p' : path[i - 1]) && x === g)));
          }
          outcomes[got.allowed ? 'allowed' : 'denied']++;
          if (got.allowed && /to group/.test(got.reason)) outcomes.viaGroup++;
        },
      ),
      { numRuns: 3_000 },
    );
    assert.ok(outcomes.allowed > 100 && outcomes.denied > 100 && outcomes.viaGroup > 30, JSON.stringify(outcomes));
  });
});
