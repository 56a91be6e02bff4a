import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Found } from './merge.js';
import { TRACKED } from './tracked.js';

/**
 * Published api-versions per resource type, from a copy of Azure/bicep-types-az (a working tree
 * or a bare git directory). That repository is generated from Azure/azure-rest-api-specs: each
 * `generated/<rp>/<namespace>/<api-version>/types.md` has one `## Resource Type@api-version`
 * heading per resource type the spec folder of that version defines, stable and preview alike.
 */
export function readSpecVersions(dir: string): Found[] {
  const files = listFiles(dir);
  const namespaces = new Set(TRACKED.flatMap((t) => t.spec.map((s) => s.split('/')[0]!.toLowerCase())));
  const wanted = new Map(TRACKED.flatMap((t) => t.spec.map((s) => [s.toLowerCase(), t.key] as const)));
  const out: Found[] = [];
  for (const path of files) {
    const m = /^generated\/[^/]+\/([^/]+)\/[^/]+\/types\.md$/.exec(path);
    if (!m || !namespaces.has(m[1]!.toLowerCase())) continue;
    for (const h of readText(dir, path).matchAll(/^## Resource ([A-Za-z0-9./]+)@(\d{4}-\d\d-\d\d(?:-[a-z]+)?)\s*$/gm)) {
      const key = wanted.get(h[1]!.toLowerCase());
      if (key) out.push({ key, version: h[2]!, source: 'spec' });
    }
  }
  if (out.length === 0)
    throw new Error(
      `No types.md with tracked resource types under ${dir}/generated; pass a checkout (or git directory) of Azure/bicep-types-az.`,
    );
  return out;
}

const isGitDir = (dir: string) => existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'));

function listFiles(dir: string): string[] {
  if (isGitDir(dir))
    return execFileSync('git', ['--git-dir', dir, 'ls-tree', '-r', '--name-only', 'HEAD', 'generated'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
      .split('\n')
      .filter(Boolean);
  const root = join(dir, 'generated');
  if (!existsSync(root))
    throw new Error(`${dir} has no generated/ folder; pass a checkout (or git directory) of Azure/bicep-types-az.`);
  return walk(dir, 'generated');
}

function walk(base: string, rel: string): string[] {
  return readdirSync(join(base, rel)).flatMap((name) => {
    const p = `${rel}/${name}`;
    return statSync(join(base, p)).isDirectory() ? walk(base, p) : [p];
  });
}

function readText(dir: string, path: string): string {
  if (isGitDir(dir))
    return execFileSync('git', ['--git-dir', dir, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return readFileSync(join(dir, path), 'utf8');
}
