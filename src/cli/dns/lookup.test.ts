import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dataPlaneLookup, inZone } from './lookup.js';

const PRELOAD = fileURLToPath(new URL('./preload.js', import.meta.url));

describe('data-plane name resolution', () => {
  it('matches the zone and names below it only', () => {
    assert.equal(inZone('kv1.vault.openmi.localhost', 'openmi.localhost'), true);
    assert.equal(inZone('KV1.Vault.OpenMI.localhost.', 'openmi.localhost'), true);
    assert.equal(inZone('openmi.localhost', 'openmi.localhost'), true);
    assert.equal(inZone('evilopenmi.localhost', 'openmi.localhost'), false);
    assert.equal(inZone('example.com', 'openmi.localhost'), false);
  });

  it('rewrites only names in the zone, passing options and callback through', () => {
    const seen: unknown[][] = [];
    const lookup = dataPlaneLookup((...a: unknown[]) => void seen.push(a), 'openmi.localhost', '127.0.0.1');
    const cb = () => undefined;
    lookup('kv1.vault.openmi.localhost', { all: true }, cb);
    lookup('example.com', cb);
    assert.deepEqual(seen, [
      ['127.0.0.1', { all: true }, cb],
      ['example.com', cb],
    ]);
  });

  it('the preload makes a Node child resolve vault names to the server host', () => {
    const script =
      "require('node:dns').lookup('kv1.vault.test.zone', (e, a) => { process.stdout.write(e ? e.code : a); })";
    const env = {
      PATH: process.env['PATH'] ?? '',
      NODE_OPTIONS: `--import=${new URL(`file://${PRELOAD}`).href}`,
      OPENMI_DATA_PLANE_ZONE: 'test.zone',
      OPENMI_DATA_PLANE_HOST: '127.0.0.1',
    };
    assert.equal(execFileSync(process.execPath, ['-e', script], { env }).toString(), '127.0.0.1');
    const without = execFileSync(process.execPath, ['-e', script], { env: { PATH: env.PATH } }).toString();
    assert.notEqual(without, '127.0.0.1', 'without the preload the name does not resolve to the server');
  });
});
