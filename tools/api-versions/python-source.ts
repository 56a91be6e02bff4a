import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Found } from './merge.js';
import { TRACKED } from './tracked.js';

/** Where Debian installs the Azure SDK for Python and the Azure CLI. */
export const DEBIAN_PYTHON = '/usr/lib/python3/dist-packages/azure';

const VERSION_DIR = /^v(\d{4})_(\d\d)_(\d\d)(?:_([a-z]+))?$/;
const versionOfDir = (name: string) => {
  const m = VERSION_DIR.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}${m[4] ? `-${m[4]}` : ''}` : undefined;
};

/** True if any operations module under `dir` has a URL containing `marker` (compared lower-cased). */
function serves(dir: string, marker: string): boolean {
  const ops = join(dir, 'operations');
  if (!existsSync(ops)) return false;
  return readdirSync(ops).some(
    (f) => f.endsWith('.py') && readFileSync(join(ops, f), 'utf8').toLowerCase().includes(marker),
  );
}

/** The default of a single-api package: `api_version ... = kwargs.pop("api_version", "2022-10-01")`. */
function singleApiVersion(dir: string): string | undefined {
  const conf = join(dir, '_configuration.py');
  if (!existsSync(conf)) return undefined;
  return /kwargs\.pop\(\s*["']api_version["']\s*,\s*["'](\d{4}-\d\d-\d\d(?:-[a-z]+)?)["']/.exec(
    readFileSync(conf, 'utf8'),
  )?.[1];
}

/** Api-versions per tracked type that the installed `azure-mgmt-*` packages serve. */
export function readPythonVersions(root = DEBIAN_PYTHON): Found[] {
  const out: Found[] = [];
  for (const t of TRACKED) {
    for (const { dir, marker } of t.python) {
      const pkg = join(root, 'mgmt', dir);
      if (!existsSync(pkg)) continue;
      const versioned = readdirSync(pkg).filter((n) => versionOfDir(n) && statSync(join(pkg, n)).isDirectory());
      for (const n of versioned)
        if (serves(join(pkg, n), marker))
          out.push({ key: t.key, version: versionOfDir(n)!, source: `py:azure-mgmt-${dir.split('/')[0]}` });
      const single = versioned.length === 0 ? singleApiVersion(pkg) : undefined;
      if (single && serves(pkg, marker))
        out.push({ key: t.key, version: single, source: `py:azure-mgmt-${dir.split('/')[0]}` });
    }
  }
  return out;
}

/**
 * The Azure CLI's `latest` profile (azure/cli/core/profiles/_shared.py): `ResourceType.X: 'v'` or
 * `ResourceType.X: SDKProfile('v', {...})`; the first version is the one its commands send by default.
 */
export function readAzProfileVersions(root = DEBIAN_PYTHON): Found[] {
  const file = join(root, 'cli', 'core', 'profiles', '_shared.py');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const latest = /['"]latest['"]\s*:\s*\{([\s\S]*?)\n {4}\}/.exec(text)?.[1] ?? '';
  const defaults = new Map<string, string>();
  for (const m of latest.matchAll(
    /ResourceType\.(\w+)\s*:\s*(?:SDKProfile\(\s*)?['"](\d{4}-\d\d-\d\d(?:-[a-z]+)?)['"]/g,
  ))
    defaults.set(m[1]!, m[2]!);
  return TRACKED.flatMap((t) =>
    t.az.filter((rt) => defaults.has(rt)).map((rt) => ({ key: t.key, version: defaults.get(rt)!, source: 'az-cli' })),
  );
}
