import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// The package ships the product only (package.json `files`): no tests, test helpers, bench or tools.
describe('npm package contents', () => {
  it('hold the CLI and the portal, and no test, bench or tool file', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    assert.ok(files.includes('dist/src/cli/main.js'), 'the bin is shipped');
    assert.ok(
      files.some((f) => f.startsWith('dist/portal-ui/')),
      'the portal UI is shipped',
    );
    const unwanted = files.filter((f) => /\.test\.js(\.map)?$/.test(f) || /^dist\/(test|bench|tools)\//.test(f));
    assert.deepEqual(unwanted, []);
  });
});
