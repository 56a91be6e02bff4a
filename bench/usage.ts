/**
 * `npm run bench -- --only usage` (goal U1, docs/performance.md): what recording permission usage
 * (docs/audit.md) costs the hot path of every ARM and data-plane request. The same allowed checks
 * run through `RbacAuthorizer.check` — the call the ARM router and the data planes make — with a
 * `PermissionUsageRecorder` wired as the server wires it, and without one, back to back in every
 * round, over one store. Timed in CPU time: on a shared machine a pass is preempted, and what the
 * recording adds is CPU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.js';
import { PermissionUsageRecorder } from '../src/server/audit/permission-usage.js';
import { BuiltinRoleIds } from '../src/server/rbac/builtin-roles.js';
import { RbacAuthorizer } from '../src/server/rbac/rbac-authorizer.js';
import { BuiltinAndCustomRoleCatalog } from '../src/server/rbac/role-catalog.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { goal, goalTable, type Goal } from './goals.js';
import { principalId, type RbacLoadSpec } from './rbac-load.js';
import { DATA_ACTION, loadInChild } from './rbac.js';
import { fmt, fmtSpread, spread, table } from './stats.js';

/** A tenth of the rbac case's store: a check reads the same ~10 assignments per principal. */
export const USAGE_DEFAULTS: RbacLoadSpec & { pairs: number } = {
  identities: 10_000,
  assignments: 100_000,
  subscriptions: 10,
  groupsPerSubscription: 100,
  accountsPerGroup: 10,
  pairs: 2_000,
};

/** Recording may cost an allowed check at most 5 %: the hot path pays a map increment, not a row. */
export const U1_TARGET = 0.95;

const BLOB_READERS = new Set(
  [
    BuiltinRoleIds.storageBlobDataReader,
    BuiltinRoleIds.storageBlobDataContributor,
    BuiltinRoleIds.storageBlobDataOwner,
  ].map((id) => id.toLowerCase()),
);

type Pair = { principal: string; scope: string };

/** A blob container at or under `scope` (a subscription, group or storage account of the tree). */
const containerUnder = (scope: string): string =>
  /\/storageAccounts\/[^/]+$/.test(scope)
    ? `${scope}/blobServices/default/containers/c0`
    : `${scope}/providers/Microsoft.Storage/storageAccounts/stbench/blobServices/default/containers/c0`;

/** Checks that are allowed (only those are recorded): each principal's blob-reading assignments. */
async function allowedPairs(store: Store, authz: RbacAuthorizer, want: number, identities: number): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < identities && out.length < want; i++) {
    const principal = principalId(i);
    for (const a of await store.roleAssignments.listForPrincipal(principal)) {
      if (!BLOB_READERS.has(a.roleDefinitionId.split('/').pop()!.toLowerCase())) continue;
      const scope = containerUnder(a.scope);
      if ((await authz.explain(principal, DATA_ACTION, scope, 'dataAction')).allowed) out.push({ principal, scope });
    }
  }
  return out;
}

/** CPU nanoseconds per check over two passes of `pairs`: the first meets new keys, the second repeats them. */
async function cpuPerCheck(authz: RbacAuthorizer, pairs: readonly Pair[]): Promise<number> {
  const t = process.cpuUsage();
  for (let pass = 0; pass < 2; pass++)
    for (const p of pairs) await authz.check(p.principal, DATA_ACTION, p.scope, 'dataAction');
  const used = process.cpuUsage(t);
  return ((used.user + used.system) * 1e3) / (pairs.length * 2);
}

export interface UsageBenchResult {
  spec: typeof USAGE_DEFAULTS;
  pairs: number;
  rounds: { aloneNs: number; recordedNs: number }[];
  goal: Goal;
}

async function measure(store: Store, spec: typeof USAGE_DEFAULTS, rounds: number, log: (l: string) => void) {
  const catalog = new BuiltinAndCustomRoleCatalog(store);
  const alone = new RbacAuthorizer(store, catalog);
  const pairs = await allowedPairs(store, alone, spec.pairs, spec.identities);
  if (pairs.length === 0) throw new Error('usage bench: the store holds no allowed blob read to time');
  // A fresh recorder per pass, never flushed (a key budget above the pass): no store write is timed.
  const recorded = () =>
    new RbacAuthorizer(
      store,
      catalog,
      undefined,
      new PermissionUsageRecorder(store, systemClock, { error: () => undefined }, pairs.length * 4),
    );
  await cpuPerCheck(alone, pairs);
  await cpuPerCheck(recorded(), pairs);
  const out: UsageBenchResult['rounds'] = [];
  for (let r = 0; r < rounds; r++) {
    // The order alternates, so a slowdown in the machine's state hits both sides alike.
    const first = r % 2 === 0 ? 'alone' : 'recorded';
    const a = first === 'alone' ? await cpuPerCheck(alone, pairs) : undefined;
    const recordedNs = await cpuPerCheck(recorded(), pairs);
    const aloneNs = a ?? (await cpuPerCheck(alone, pairs));
    out.push({ aloneNs, recordedNs });
    log(`usage round ${r + 1}/${rounds}: check ${fmt(aloneNs)} ns CPU alone, ${fmt(recordedNs)} ns recorded`);
  }
  return { pairs: pairs.length, rounds: out };
}

export async function runUsageBench(
  rounds: number,
  spec = USAGE_DEFAULTS,
  log: (line: string) => void = () => {},
): Promise<UsageBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-bench-usage-'));
  const path = join(dir, 'usage.db');
  try {
    log(`usage: loading ${fmt(spec.identities)} principals and ${fmt(spec.assignments)} role assignments…`);
    await loadInChild(path, spec, 1);
    const store = await openStore({ kind: 'sqlite', path });
    try {
      const m = await measure(store, spec, rounds, log);
      const ratios = m.rounds.map((r) => r.aloneNs / r.recordedNs);
      const g = goal('U1', 'authorize + record usage ÷ authorize alone (CPU per check)', ratios, U1_TARGET, 'min');
      return { spec, ...m, goal: g };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatUsageReport(r: UsageBenchResult): string {
  const alone = spread(r.rounds.map((x) => x.aloneNs));
  const recorded = spread(r.rounds.map((x) => x.recordedNs));
  return [
    `Permission usage on the hot path: ${fmt(r.pairs)} allowed checks of ${DATA_ACTION} (dataAction), each twice per pass (new keys, then repeats), through RbacAuthorizer.check over ${fmt(r.spec.assignments)} role assignments (SQLite); ${r.rounds.length} rounds, order alternating`,
    table([
      ['case', 'CPU ns per check, median [min–max]'],
      ['RbacAuthorizer.check alone', fmtSpread(alone)],
      ['  with PermissionUsageRecorder (as served)', fmtSpread(recorded)],
      ['  difference (medians)', fmt(recorded.median - alone.median)],
    ]),
    goalTable([r.goal]),
  ].join('\n');
}
