import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, defaultSigningWorkers, loadConfig, publicBaseUrl } from './load.js';
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
    assert.throws(
      () => loadConfig({}, { OPENMI_PORT: 'eighty' }),
      (e: Error) => e instanceof ConfigError && /port \(OPENMI_PORT\)/.test(e.message),
    );
    assert.throws(() => loadConfig({ store: 'mysql://x' }, {}), /store/);
  });

  it('signingWorkers: defaults to the available cores up to 4 (none on one core), 0 turns the pool off, at most 64', () => {
    const cores = availableParallelism();
    assert.equal(loadConfig({}, {}).signingWorkers, cores === 1 ? 0 : Math.min(cores, 4));
    assert.deepEqual([1, 2, 3, 4, 8].map(defaultSigningWorkers), [0, 2, 3, 4, 4]);
    assert.equal(loadConfig({}, { OPENMI_SIGNING_WORKERS: '0' }).signingWorkers, 0);
    assert.equal(loadConfig({ signingWorkers: 8 }, { OPENMI_SIGNING_WORKERS: '0' }).signingWorkers, 8);
    assert.throws(() => loadConfig({}, { OPENMI_SIGNING_WORKERS: '65' }), /signingWorkers \(OPENMI_SIGNING_WORKERS\)/);
    assert.throws(() => loadConfig({}, { OPENMI_SIGNING_WORKERS: '1.5' }), /signingWorkers/);
  });

  it('federationAllowedIssuerHosts: none by default, a comma-separated list of hosts, nothing with a scheme or port', () => {
    assert.equal(loadConfig({}, {}).federationAllowedIssuerHosts, undefined);
    assert.deepEqual(
      loadConfig({}, { OPENMI_FEDERATION_ALLOWED_ISSUER_HOSTS: 'keycloak.corp.example, 10.0.0.5,[fd00::1]' })
        .federationAllowedIssuerHosts,
      ['keycloak.corp.example', '10.0.0.5', '[fd00::1]'],
    );
    for (const bad of ['https://keycloak.example', 'keycloak.example:8443', 'a/b']) {
      assert.throws(
        () => loadConfig({}, { OPENMI_FEDERATION_ALLOWED_ISSUER_HOSTS: bad }),
        /federationAllowedIssuerHosts \(OPENMI_FEDERATION_ALLOWED_ISSUER_HOSTS\): must be a host name or IP address/,
        bad,
      );
    }
  });

  it('masterKeyFile: from OPENMI_MASTER_KEY_FILE or the flag, resolved to an absolute path, not together with OPENMI_MASTER_KEY', () => {
    assert.equal(
      loadConfig({}, { OPENMI_MASTER_KEY_FILE: '/run/secrets/openmi' }).masterKeyFile,
      '/run/secrets/openmi',
    );
    assert.equal(loadConfig({ masterKeyFile: 'key.b64' }, {}).masterKeyFile, resolve('key.b64'));
    assert.equal(loadConfig({}, { OPENMI_MASTER_KEY: 'abc' }).masterKey, 'abc');
    assert.throws(
      () => loadConfig({ masterKeyFile: '/k' }, { OPENMI_MASTER_KEY: 'abc' }),
      /masterKeyFile \(OPENMI_MASTER_KEY_FILE\): give the master key either as OPENMI_MASTER_KEY or as a file, not both/,
    );
  });

  it('docs/config.md matches the schema (regenerate with npm run docs:config)', () => {
    const path = fileURLToPath(new URL('../../../docs/config.md', import.meta.url));
    assert.equal(readFileSync(path, 'utf8'), renderConfigDoc());
  });
});
