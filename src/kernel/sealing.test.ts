import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMasterKeyFile, loadOrCreateMasterKey, masterKeyFromBase64, seal, unseal } from './sealing.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-sealing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('seal/unseal round trip with the v1 format', () => {
  const sealed = seal(key, Buffer.from('secret key material'), 'kid-1');
  const parts = sealed.split('.');
  assert.equal(parts.length, 4);
  assert.equal(parts[0], 'v1');
  assert.equal(Buffer.from(parts[1]!, 'base64url').length, 12);
  assert.equal(Buffer.from(parts[2]!, 'base64url').length, 16);
  assert.ok(!sealed.includes('secret'));
  assert.equal(unseal(key, sealed, 'kid-1').toString(), 'secret key material');
});

test('each seal uses a fresh IV', () => {
  const a = seal(key, Buffer.from('x'), 'a');
  const b = seal(key, Buffer.from('x'), 'a');
  assert.notEqual(a.split('.')[1], b.split('.')[1]);
});

test('unseal rejects wrong key, wrong aad, tampering and garbage with one clear error', () => {
  const sealed = seal(key, Buffer.from('payload'), 'kid-1');
  const expected = /cannot decrypt kid-1: wrong master key or tampered data/;
  assert.throws(() => unseal(otherKey, sealed, 'kid-1'), expected);
  assert.throws(() => unseal(key, sealed, 'kid-2'), /cannot decrypt kid-2: wrong master key or tampered data/);
  const [v, iv, tag, ct] = sealed.split('.') as [string, string, string, string];
  const flipped = Buffer.from(ct, 'base64url');
  flipped[0] = flipped[0]! ^ 1;
  assert.throws(() => unseal(key, [v, iv, tag, flipped.toString('base64url')].join('.'), 'kid-1'), expected);
  assert.throws(() => unseal(key, ['v2', iv, tag, ct].join('.'), 'kid-1'), expected);
  assert.throws(() => unseal(key, 'not a sealed value', 'kid-1'), expected);
  assert.throws(() => unseal(key, [v, iv, tag.slice(0, 10), ct].join('.'), 'kid-1'), expected);
});

test('seal refuses a key of the wrong length', () => {
  assert.throws(() => seal(Buffer.alloc(16), Buffer.from('x'), 'a'), /must be 32 bytes, got 16/);
});

test('masterKeyFromBase64 validates length without echoing the value', () => {
  const b64 = Buffer.alloc(32, 9).toString('base64');
  assert.deepEqual(masterKeyFromBase64(` ${b64}\n`), Buffer.alloc(32, 9));
  const short = Buffer.alloc(16, 1).toString('base64');
  assert.throws(
    () => masterKeyFromBase64(short),
    (e: Error) => {
      assert.match(e.message, /32 bytes encoded as base64.*decodes to 16 bytes/);
      assert.ok(!e.message.includes(short));
      return true;
    },
  );
  assert.throws(() => masterKeyFromBase64('!!!not base64!!!'), /decodes to 0 bytes/);
});

test('loadOrCreateMasterKey creates a 0600 file once and then reads it back', (t) => {
  const path = join(tempDir(t), 'nested', 'master.key');
  const first = loadOrCreateMasterKey(path);
  assert.equal(first.length, 32);
  assert.equal(readFileSync(path, 'utf8').trim(), first.toString('base64'));
  if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
  const second = loadOrCreateMasterKey(path);
  assert.deepEqual(second, first);
});

test('loadOrCreateMasterKey refuses a group/other-readable file and says how to fix it', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX modes only');
  const path = join(tempDir(t), 'master.key');
  loadOrCreateMasterKey(path);
  chmodSync(path, 0o644);
  assert.throws(() => loadOrCreateMasterKey(path), /mode 644.*chmod 600/);
  chmodSync(path, 0o600);
  assert.equal(loadOrCreateMasterKey(path).length, 32);
});

test('loadOrCreateMasterKey refuses a file that is not 32 bytes of base64', (t) => {
  const path = join(tempDir(t), 'master.key');
  writeFileSync(path, Buffer.alloc(20).toString('base64'), { mode: 0o600 });
  assert.throws(() => loadOrCreateMasterKey(path), /master key file .* is invalid: .*decodes to 20 bytes/);
});

test('loadMasterKeyFile: reads a private file, ignores the trailing newline, never creates one', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'key.b64');
  assert.throws(() => loadMasterKeyFile(path), /cannot read the master key file .*ENOENT/);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  assert.deepEqual(loadMasterKeyFile(path), key);
  writeFileSync(path, 'c2hvcnQ=\n');
  assert.throws(() => loadMasterKeyFile(path), /master key file .* is invalid: master key must be 32 bytes/);
});

test(
  'loadMasterKeyFile: refuses a file group or others can read, like ssh',
  { skip: process.platform === 'win32' },
  (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'key.b64');
    writeFileSync(path, key.toString('base64'));
    for (const mode of [0o640, 0o604, 0o644]) {
      chmodSync(path, mode);
      assert.throws(
        () => loadMasterKeyFile(path),
        /accessible by group\/others \(mode 6[04][04]\); restrict it with: chmod 600/,
      );
    }
  },
);
