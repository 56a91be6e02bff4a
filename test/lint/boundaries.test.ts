import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';

// The import directions of docs/adr/0009-layout-and-import-directions.md, as `npm run lint` enforces
// them: deliberate violations must be refused, and the permitted arrows must pass.

/** dist/test/lint/ → the repository root, where eslint.config.js is. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULE = 'boundaries/dependencies';

interface Layout {
  DOMAINS: string[];
  SURFACES: string[];
  policies: unknown[];
}
const layout = (await import(new URL('../../../eslint.boundaries.js', import.meta.url).href)) as Layout;

/** Only the boundary rules, without type information: the fixtures are files that do not exist. */
function linter(overrideConfig: Linter.Config[] = []): ESLint {
  return new ESLint({
    cwd: ROOT,
    ruleFilter: ({ ruleId }) => ruleId.startsWith('boundaries/'),
    overrideConfig: [
      { languageOptions: { parserOptions: { projectService: false, project: null } } },
      ...overrideConfig,
    ],
  });
}

async function refusals(eslint: ESLint, filePath: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath });
  assert.ok(result);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${filePath} must parse`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('import directions (eslint-plugin-boundaries)', () => {
  const eslint = linter();

  const refused: [string, string, string][] = [
    ['domain code never imports a surface', 'src/server/identities/zz-fixture.ts', '../surfaces/arm/arm-errors.js'],
    ['a lower domain never imports a higher one (no cycles)', 'src/server/audit/zz-fixture.ts', '../tokens/issue.js'],
    ['the CLI never imports server domains', 'src/cli/zz-fixture.ts', '../server/rbac/evaluate.js'],
    ['the CLI never imports surfaces', 'src/cli/commands/zz-fixture.ts', '../../server/surfaces/arm/arm-errors.js'],
    ['the agent never imports the server', 'src/agent/zz-fixture.ts', '../server/tokens/issue.js'],
    ["the CLI never imports the agent's internals", 'src/cli/zz-fixture.ts', '../agent/token-cache.js'],
    ['only the gate command imports the gate', 'src/cli/commands/zz-fixture.ts', '../../gate/proxy.js'],
    ['the gate never imports the server', 'src/gate/zz-fixture.ts', '../server/tokens/issue.js'],
    ['wire types import nothing but wire types', 'src/wire/zz-fixture.ts', '../kernel/log.js'],
    ['the store never imports a domain', 'src/store/zz-fixture.ts', '../server/audit/changes.js'],
    ['the kernel never imports config', 'src/kernel/zz-fixture.ts', '../config/load.js'],
    ['product code never imports test helpers', 'src/cli/zz-fixture.ts', '../../test/helpers/server.js'],
    ['a surface never imports the composition root', 'src/server/surfaces/arm/zz-fixture.ts', '../../app.js'],
    ['the portal never imports the server', 'portal/src/zz-fixture.ts', '../../src/server/audit/changes.js'],
  ];
  for (const [what, file, from] of refused) {
    it(`refuses: ${what}`, async () => {
      const messages = await refusals(eslint, file, from);
      assert.equal(messages.length, 1, `${file} importing ${from}`);
    });
  }

  const permitted: [string, string, string][] = [
    ['a domain imports a lower domain', 'src/server/identities/zz-fixture.ts', '../resource-base/tags.js'],
    ['a domain imports store and kernel', 'src/server/rbac/zz-fixture.ts', '../../store/store.js'],
    ['a surface imports a domain', 'src/server/surfaces/arm/zz-fixture.ts', '../../rbac/evaluate.js'],
    ['the composition root imports surfaces', 'src/server/zz-fixture.ts', './surfaces/arm/arm-errors.js'],
    ['the CLI starts the server through its entry module', 'src/cli/commands/zz-fixture.ts', '../../server/app.js'],
    ['the CLI starts the agent through its entry module', 'src/cli/zz-fixture.ts', '../agent/agent-runtime.js'],
    ['the CLI loads config', 'src/cli/zz-fixture.ts', '../config/load.js'],
    ['the agent imports wire types', 'src/agent/zz-fixture.ts', '../wire/agent-protocol.js'],
    ['the portal imports wire types', 'portal/src/zz-fixture.ts', '../../src/wire/agent-protocol.js'],
  ];
  for (const [what, file, from] of permitted) {
    it(`permits: ${what}`, async () => {
      assert.deepEqual(await refusals(eslint, file, from), [], `${file} importing ${from}`);
    });
  }

  it('refuses the gate importing the CLI under the lasting directions (only the pending list lets it through)', async () => {
    const lasting = linter([
      { files: ['src/**/*.ts'], rules: { [RULE]: ['error', { default: 'disallow', policies: layout.policies }] } },
    ]);
    assert.equal((await refusals(lasting, 'src/gate/zz-fixture.ts', '../cli/output.js')).length, 1);
    assert.equal((await refusals(lasting, 'src/gate/zz-fixture.ts', '../server/rbac/authorizer.js')).length, 1);
  });

  it('places every folder of src/server in the order of domains or surfaces', () => {
    const dirs = (p: string) =>
      readdirSync(`${ROOT}${p}`, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    assert.deepEqual(
      dirs('src/server').filter((d) => d !== 'surfaces'),
      [...layout.DOMAINS].sort(),
    );
    assert.deepEqual(dirs('src/server/surfaces'), [...layout.SURFACES].sort());
  });
});
