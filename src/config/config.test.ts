import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, publicBaseUrl } from './load.js';
import { renderConfigDoc } from './config-doc.js';

describe('config', () => {
  it('applies defaults, then environment, then flags, and freezes the result', () => {
    const cfg = loadConfig({ port: 9000 }, { OPENMI_PORT: '7000', OPENMI_HOST: '0.0.0.0' });
    assert.equal(cfg.port, 9000);
    assert.equal(cfg.host, '0.0.0.0');
    assert.equal(cfg.store, 'sqlite');
    assert.ok(Object.isFrozen(cfg));
    assert.equal(publicBaseUrl(cfg), 'https://127.0.0.1:9000');
  });

  it('names the bad setting and its variable', () => {
    assert.throws(() => loadConfig({}, { OPENMI_PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /port \(OPENMI_PORT\)/.test(e.message));
    assert.throws(() => loadConfig({ store: 'mysql://x' }, {}), /store/);
  });

  it('docs/config.md matches the schema (regenerate with npm run docs:config)', () => {
    const path = fileURLToPath(new URL('../../docs/config.md', import.meta.url));
    assert.equal(readFileSync(path, 'utf8'), renderConfigDoc());
  });
});
