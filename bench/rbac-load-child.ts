/**
 * Loads the RBAC benchmark's store in a process of its own, so the measuring process's memory
 * figures show what serving checks costs, not the loader's 512 MiB page cache:
 *
 *   node dist/bench/rbac-load-child.js <db path> <spec JSON> <seed>
 *
 * Prints one JSON line: the load times and the loader's peak RSS.
 */
import { loadRbacData, type RbacLoadSpec } from './rbac-load.js';

export interface RbacLoadChildResult {
  principalsS: number;
  assignmentsS: number;
  maxRssMiB: number;
}

async function main(): Promise<void> {
  const [path, specJson, seedArg] = process.argv.slice(2);
  if (path === undefined || specJson === undefined)
    throw new Error('usage: rbac-load-child.js <db path> <spec JSON> <seed>');
  const times = await loadRbacData(path, JSON.parse(specJson) as RbacLoadSpec, Number(seedArg ?? 1));
  // resourceUsage reports maxRSS in KiB.
  const out: RbacLoadChildResult = { ...times, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`rbac-load-child failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
