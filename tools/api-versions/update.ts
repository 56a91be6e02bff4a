import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readJsSdkVersions } from './js-sdk-source.js';
import { merge, type ApiVersionsFile, type Found } from './merge.js';
import { DEBIAN_PYTHON, readAzProfileVersions, readPythonVersions } from './python-source.js';
import { readSpecVersions } from './spec-source.js';
import { TRACKED } from './tracked.js';

/**
 * `npm run api-versions:update [-- --specs DIR] [--python DIR]`: regenerates
 * src/server/surfaces/arm/api-versions.generated.json. DIR for --specs is a checkout (or bare git
 * directory) of Azure/bicep-types-az; without it only the installed clients are read.
 */
const USAGE =
  'usage: npm run api-versions:update -- [--specs <Azure/bicep-types-az checkout or git dir>] [--python <dist-packages/azure>]';

function args(argv: string[]): { specs?: string; python: string } {
  const out: { specs?: string; python: string } = { python: DEBIAN_PYTHON };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!value || (flag !== '--specs' && flag !== '--python')) throw new Error(USAGE);
    if (flag === '--specs') out.specs = value;
    else out.python = value;
  }
  return out;
}

const TARGET = fileURLToPath(new URL('../../src/server/surfaces/arm/api-versions.generated.json', import.meta.url));

/** Two-space JSON with each version's sources on its own line, so a diff shows one line per version. */
const render = (f: ApiVersionsFile): string =>
  `${JSON.stringify(f, null, 2).replace(/\[\n\s+([^\]]*?)\n\s+\]/g, (_m, inner: string) => `[${inner.split(/,\n\s+/).join(', ')}]`)}\n`;

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const found: Found[] = [
    ...(await readJsSdkVersions()),
    ...readPythonVersions(a.python),
    ...readAzProfileVersions(a.python),
  ];
  if (a.specs) found.push(...readSpecVersions(a.specs));
  const previous = existsSync(TARGET) ? (JSON.parse(readFileSync(TARGET, 'utf8')) as ApiVersionsFile) : undefined;
  const next = merge(
    previous,
    found,
    TRACKED.map((t) => t.key),
  );
  writeFileSync(TARGET, render(next));
  for (const t of TRACKED) {
    const before = Object.keys(previous?.types[t.key] ?? {}).length;
    const after = Object.keys(next.types[t.key] ?? {}).length;
    process.stdout.write(
      `${t.key}: ${after} api-versions${after > before ? ` (+${after - before})` : ''}, newest ${Object.keys(next.types[t.key] ?? {}).at(-1)}\n`,
    );
  }
  if (!a.specs)
    process.stdout.write(
      'No --specs given: versions published in the REST specs but not in an installed client were not looked for.\n',
    );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
