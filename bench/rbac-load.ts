/**
 * Bulk data for the RBAC benchmark: a scope tree (subscriptions → resource groups → storage
 * accounts), the principals of user-assigned identities, and role assignments spread over the
 * tree. Rows are written by the store's own repositories (so they are exactly what the server
 * writes), bound to a bare connection without journal or fsync: through the store (WAL,
 * synchronous=FULL) a million assignments take about two minutes, most of it writing 1.7 GB twice.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isDomainError } from '../src/kernel/errors.js';
import { BuiltinRoleIds } from '../src/server/rbac/builtin-roles.js';
import { openStore } from '../src/store/open-store.js';
import type { PrincipalRecord, RoleAssignmentRecord } from '../src/store/records.js';
import { sqliteAuditLanes } from '../src/store/sql/audit-lanes.js';
import { createRepos } from '../src/store/sql/repos.js';
import { sqliteExecutor, SqliteStatements } from '../src/store/sqlite/sqlite-executor.js';
import type { StoreRepos } from '../src/store/store.js';

/** The repositories alone: the bulk load tells no other node anything. */
type Repos = Omit<StoreRepos, 'changes'>;

export interface RbacLoadSpec {
  identities: number;
  assignments: number;
  subscriptions: number;
  groupsPerSubscription: number;
  accountsPerGroup: number;
}

/** Deterministic generator (mulberry32): the same tree and assignments on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A GUID-shaped id from a number, so ids are unique and reproducible without crypto. */
export const benchGuid = (kind: number, n: number): string => {
  const hex = n.toString(16).padStart(12, '0');
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
};

export const subscriptionScope = (s: number): string => `/subscriptions/${benchGuid(0x5ab, s)}`;
export const groupScope = (s: number, g: number): string => `${subscriptionScope(s)}/resourceGroups/rg-${g}`;
export const accountScope = (s: number, g: number, a: number): string =>
  `${groupScope(s, g)}/providers/Microsoft.Storage/storageAccounts/st${s}x${g}x${a}`;
export const principalId = (i: number): string => benchGuid(0x9a1, i);

/** Storage data roles mostly (what a data-plane check meets), plus control-plane roles that grant no data. */
const ROLE_MIX = [
  BuiltinRoleIds.storageBlobDataReader,
  BuiltinRoleIds.storageBlobDataContributor,
  BuiltinRoleIds.storageBlobDataOwner,
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88', // Storage Queue Data Contributor
  '76199698-9eea-4c19-bc75-cec21354c6b6', // Storage Table Data Reader
  BuiltinRoleIds.reader,
  BuiltinRoleIds.contributor,
  BuiltinRoleIds.keyVaultSecretsUser,
];

/** A random scope of the tree: 10 % subscriptions, 30 % resource groups, 60 % storage accounts. */
export function randomScope(spec: RbacLoadSpec, rnd: () => number): string {
  const s = Math.floor(rnd() * spec.subscriptions);
  const g = Math.floor(rnd() * spec.groupsPerSubscription);
  const level = rnd();
  if (level < 0.1) return subscriptionScope(s);
  if (level < 0.4) return groupScope(s, g);
  return accountScope(s, g, Math.floor(rnd() * spec.accountsPerGroup));
}

function principal(i: number): PrincipalRecord {
  const name = `uai-${i}`;
  return {
    objectId: principalId(i),
    appId: benchGuid(0xa99, i),
    tenantId: benchGuid(0x7e4, 0),
    displayName: name,
    kind: 'managedIdentity',
    resourceId: `${groupScope(0, 0)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    createdAt: 1_767_225_600_000,
  };
}

function assignment(n: number, spec: RbacLoadSpec, rnd: () => number): RoleAssignmentRecord {
  const scope = randomScope(spec, rnd);
  const name = benchGuid(0xa55, n);
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_MIX[Math.floor(rnd() * ROLE_MIX.length)]}`,
    // Round-robin, so every principal holds assignments / identities of them.
    principalId: principalId(n % spec.identities),
    principalType: 'ServicePrincipal',
    description: null,
    createdBy: null,
    createdAt: 1_767_225_600_000 + n,
    updatedAt: 1_767_225_600_000 + n,
  };
}

/**
 * The store refuses a second assignment of one role to one principal at one scope (as Azure
 * does); random draws sometimes repeat one, so draw again. The conflict is detected without a
 * failing statement, so the open transaction stays usable.
 */
async function createAssignment(tx: Repos, n: number, spec: RbacLoadSpec, rnd: () => number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tx.roleAssignments.create(assignment(n, spec, rnd));
    } catch (e) {
      if (!isDomainError(e) || e.kind !== 'conflict' || attempt === 100) throw e;
    }
  }
}

const CHUNK = 50_000;

/** Writes `count` rows, `write(repos, i)` each, in transactions of CHUNK rows. */
async function bulk(
  db: Database.Database,
  repos: Repos,
  count: number,
  write: (repos: Repos, i: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < count; start += CHUNK) {
    db.exec('BEGIN');
    for (let i = start; i < Math.min(count, start + CHUNK); i++) await write(repos, i);
    db.exec('COMMIT');
  }
}

/**
 * Creates (and migrates) a store at `path` and loads it; returns the seconds each part took.
 * The file is flushed to disk before returning, so the measurement that follows does not
 * compete with the kernel writing it back.
 */
export async function loadRbacData(
  path: string,
  spec: RbacLoadSpec,
  seed: number,
): Promise<{ principalsS: number; assignmentsS: number }> {
  await (await openStore({ kind: 'sqlite', path })).close();
  const db = new Database(path);
  try {
    // A throw-away file: no journal and no fsync per commit (the store sets WAL again on open),
    // and a 512 MiB page cache so the six indexes' pages are not written out and read back mid-chunk.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -524288');
    const repos = createRepos(
      sqliteExecutor(new SqliteStatements(db), async (op) => op()),
      sqliteAuditLanes,
    );
    const rnd = seededRandom(seed);
    const t0 = performance.now();
    await bulk(db, repos, spec.identities, (r, i) => r.principals.create(principal(i)));
    const t1 = performance.now();
    await bulk(db, repos, spec.assignments, (r, i) => createAssignment(r, i, spec, rnd));
    const t2 = performance.now();
    return { principalsS: (t1 - t0) / 1000, assignmentsS: (t2 - t1) / 1000 };
  } finally {
    db.close();
    const fd = openSync(path, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
}
