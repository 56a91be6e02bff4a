import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { KeyVaultError } from './errors.js';
import { pkcs12 } from './pkcs12.js';
import { readPkcs12 } from './pkcs12-read.js';

describe('readPkcs12', () => {
  const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
  const [leaf, ca] = [randomBytes(40), randomBytes(50)];
  const file = pkcs12(pkcs8, leaf, [ca]);

  it('reads back what openmi writes: the key and the certificates in order', () => {
    const out = readPkcs12(file, '');
    assert.deepEqual(out.key, { der: pkcs8, encrypted: false });
    assert.deepEqual(out.certs, [leaf, ca]);
  });

  it('refuses every truncation and garbage with a 400, never another error', () => {
    for (let n = 0; n < file.length; n += 7)
      assert.throws(
        () => readPkcs12(file.subarray(0, n), ''),
        (e) => e instanceof KeyVaultError && e.status === 400,
      );
    for (let i = 0; i < 200; i++) {
      const junk = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), randomBytes(256)]);
      assert.throws(
        () => readPkcs12(junk, 'x'),
        (e) => e instanceof KeyVaultError && e.status === 400,
      );
    }
  });
});
