import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { systemClock } from '../../../kernel/clock.js';
import { DomainError } from '../../../kernel/errors.js';
import { systemRandom } from '../../../kernel/ids.js';
import { openStore } from '../../../store/open-store.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import { TokenIssuer } from '../issue.js';
import { Authority } from '../issuers.js';
import { KeyRing } from '../key-ring.js';
import { SigningPool, SigningPoolClosedError, SigningWorkerExitedError, type PoolSigningKey } from './signing-pool.js';

const AUTHORITY = new Authority('https://openmi.test:8443');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PRINCIPAL: PrincipalRecord = {
  objectId: '0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f',
  appId: '5d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6',
  tenantId: TENANT,
  displayName: 'pool-test',
  kind: 'managedIdentity',
  resourceId: null,
  createdAt: 0,
};
const AUD = 'https://management.azure.com';
const request = { principal: PRINCIPAL, audience: AUD, lifetimeSeconds: 3600, appidacr: '2' as const };

function rsaKey(kid: string): PoolSigningKey & { publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}
const verifies = (input: string, sig: string, key: KeyObject) =>
  verify('sha256', Buffer.from(input, 'latin1'), key, Buffer.from(sig, 'base64url'));
const input = (i: number) => Buffer.from(JSON.stringify({ alg: 'RS256', n: i })).toString('base64url');

/** Verifies with jose against the ring's published JWKS, as an outside verifier would. */
async function check(ring: KeyRing, token: string) {
  return jwtVerify(token, createLocalJWKSet(ring.jwks()), {
    algorithms: ['RS256'],
    audience: AUD,
    issuer: AUTHORITY.issuerV1(TENANT),
  });
}

describe('SigningPool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-pool-'));
  const pools: SigningPool[] = [];
  let store: Store;
  let ring: KeyRing;
  const pool = (workers: number, maxQueuePerWorker?: number) => {
    const p = new SigningPool({ workers, ...(maxQueuePerWorker === undefined ? {} : { maxQueuePerWorker }) });
    pools.push(p);
    return p;
  };
  before(async () => {
    store = await openStore({ kind: 'sqlite', path: join(dir, 'keys.db') });
    ring = await new KeyRing(store, randomBytes(32), systemClock).open();
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mints tokens that jose verifies with the public JWK', async () => {
    const issuer = new TokenIssuer(ring, AUTHORITY, systemClock, systemRandom, pool(2));
    const t = await issuer.issueAsync({ ...request, extraClaims: { xms_mirid: '/subscriptions/x' } });
    const { payload, protectedHeader } = await check(ring, t.accessToken);
    assert.equal(protectedHeader.kid, ring.signer().kid);
    assert.equal(payload['xms_mirid'], '/subscriptions/x');
    assert.equal(payload.exp, t.expiresAt);
  });

  it('200 concurrent mints all verify and carry distinct uti', async () => {
    const issuer = new TokenIssuer(ring, AUTHORITY, systemClock, systemRandom, pool(2));
    const tokens = await Promise.all(Array.from({ length: 200 }, () => issuer.issueAsync(request)));
    const payloads = await Promise.all(tokens.map(async (t) => (await check(ring, t.accessToken)).payload));
    assert.equal(new Set(payloads.map((p) => p['uti'])).size, 200);
  });

  it('after KeyRing.rotate, new tokens carry the new kid and verify; tokens minted across the rotation verify too', async () => {
    const issuer = new TokenIssuer(ring, AUTHORITY, systemClock, systemRandom, pool(2));
    const old = ring.signer().kid;
    const across = Array.from({ length: 40 }, () => issuer.issueAsync(request));
    const r = await ring.rotate(3_600_000);
    across.push(...Array.from({ length: 40 }, () => issuer.issueAsync(request)));
    const kids = await Promise.all(
      across.map(async (t) => (await check(ring, (await t).accessToken)).protectedHeader.kid),
    );
    assert.ok(kids.every((k) => k === old || k === r.currentKid));
    const fresh = await issuer.issueAsync(request);
    assert.equal((await check(ring, fresh.accessToken)).protectedHeader.kid, r.currentKid);
    assert.notEqual(r.currentKid, old);
  });

  it('a worker that dies fails its in-flight requests clearly and is replaced', async () => {
    const p = pool(1);
    const key = rsaKey('k1');
    assert.ok(verifies(input(0), await p.sign(key, input(0)), key.publicKey));
    const victim = p.workersForTest()[0]!;
    const inFlight = Array.from({ length: 50 }, (_, i) => p.sign(key, input(i)));
    await victim.terminate();
    const settled = await Promise.allSettled(inFlight);
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    assert.ok(failed.length > 0, 'some requests were still in flight');
    for (const f of failed) {
      assert.ok(f.reason instanceof SigningWorkerExitedError);
      assert.match((f.reason as Error).message, /signing worker 0 exited .* in flight; a replacement is starting/);
    }
    settled.forEach((s, i) => s.status === 'fulfilled' && assert.ok(verifies(input(i), s.value, key.publicKey)));
    const replacement = p.workersForTest()[0];
    assert.ok(replacement !== undefined && replacement !== victim, 'a new worker took the slot');
    const next = await Promise.all(Array.from({ length: 20 }, (_, i) => p.sign(key, input(i))));
    next.forEach((sig, i) => assert.ok(verifies(input(i), sig, key.publicKey)));
  });

  it('keeps signing with the right key as more kids come and go than a worker holds', async () => {
    const p = pool(2);
    const keys = Array.from({ length: 6 }, (_, i) => rsaKey(`kid-${i}`));
    const order = [...keys, keys[0]!, keys[1]!];
    // One key after the other, then all in the same tick (requests batched while keys are dropped).
    for (const k of order) {
      const sigs = await Promise.all([0, 1, 2].map((i) => p.sign(k, input(i))));
      sigs.forEach((sig, i) => assert.ok(verifies(input(i), sig, k.publicKey), k.kid));
    }
    const jobs = order.flatMap((k) => [0, 1, 2].map((i) => ({ k, i, sig: p.sign(k, input(i)) })));
    for (const j of jobs) assert.ok(verifies(input(j.i), await j.sig, j.k.publicKey), `${j.k.kid} in one tick`);
  });

  it('refuses work beyond its queue bound with a retryable unavailable error', async () => {
    const p = pool(1, 2);
    const key = rsaKey('k');
    const settled = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => p.sign(key, input(i))));
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 2);
    for (const s of settled.slice(2)) {
      assert.ok(
        s.status === 'rejected' &&
          s.reason instanceof DomainError &&
          s.reason.kind === 'unavailable' &&
          s.reason.code === 'signing_overloaded',
      );
    }
  });

  it('close() rejects what is in flight and everything after', async () => {
    const p = pool(1);
    const key = rsaKey('k');
    const inFlight = Promise.allSettled(Array.from({ length: 10 }, (_, i) => p.sign(key, input(i))));
    await p.close();
    for (const s of await inFlight) assert.ok(s.status === 'fulfilled' || s.reason instanceof SigningPoolClosedError);
    await assert.rejects(p.sign(key, input(0)), SigningPoolClosedError);
    assert.deepEqual(p.workersForTest(), []);
  });

  it('rejects a pool without workers', () => {
    assert.throws(() => new SigningPool({ workers: 0 }), /at least one worker/);
  });
});

describe('SigningPool and process lifetime', () => {
  const poolUrl = new URL('./signing-pool.js', import.meta.url).href;
  /** Runs a module in a fresh process that must exit by itself, with nothing but the pool in it. */
  const child = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const script = `const { SigningPool } = await import(${JSON.stringify(poolUrl)});
        const { generateKeyPairSync } = await import('node:crypto');
        const key = { kid: 'k', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
        const pool = new SigningPool({ workers: 2 });
        ${body}`;
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });

  it('close() leaves no handles: the process exits', async () => {
    const out = await child(`await pool.sign(key, 'abc'); await pool.close();
      console.log(JSON.stringify(process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap')));`);
    assert.equal(out.trim(), '[]');
  });

  it('an idle pool that was never closed does not keep the process alive', async () => {
    assert.equal((await child(`await pool.sign(key, 'abc'); console.log('done');`)).trim(), 'done');
  });

  it('a signature still owed keeps the process alive until it arrives', async () => {
    assert.equal((await child(`pool.sign(key, 'abc').then((s) => console.log(s.length));`)).trim(), '342');
  });
});
