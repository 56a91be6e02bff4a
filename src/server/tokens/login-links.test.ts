import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.js';
import { isDomainError } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import { openStore } from '../../store/open-store.js';
import type { PrincipalRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { INVALID_LOGIN_LINK, LoginLinkService } from './login-links.js';

const TENANT = '7d3c2a10-0000-4000-8000-00000000000a';
/** Who asks for the links in these tests (the activity row's caller). */
const ACTOR = { principalId: 'test-caller', correlationId: 'test-correlation' };

/** Counts up from one byte, so each code is predictable and different. */
function countingRandom(): Random {
  let n = 0;
  return { uuid: () => '00000000-0000-4000-8000-000000000000', bytes: (len) => Buffer.alloc(len, ++n) };
}

const principal = (o: Partial<PrincipalRecord> = {}): PrincipalRecord => ({
  objectId: 'a1b2c3d4-0000-4000-8000-000000000001',
  appId: 'a1b2c3d4-0000-4000-8000-000000000002',
  tenantId: TENANT,
  displayName: 'admin',
  kind: 'application',
  resourceId: null,
  createdAt: 1,
  ...o,
});

const rejectsWith = (p: Promise<unknown>, message: RegExp) =>
  assert.rejects(p, (e: unknown) => isDomainError(e) && e.code === INVALID_LOGIN_LINK && message.test(e.message));

describe('LoginLinkService', () => {
  let dir: string;
  let store: Store;
  const clock = new ManualClock();
  let links: LoginLinkService;
  const admin = principal();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openmi-login-links-'));
    store = await openStore({ kind: 'sqlite', path: join(dir, 'x.db') });
    await store.tenants.create({ id: TENANT, displayName: 't', createdAt: 1 });
    await store.principals.create(admin);
    links = new LoginLinkService(store, clock, countingRandom());
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a 43-character base64url code from 32 injected random bytes and stores only its hash', async () => {
    const { code, expiresAt } = await links.create(ACTOR, admin);
    assert.equal(code, Buffer.alloc(32, 1).toString('base64url'));
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(expiresAt, clock.now() + 300_000);
    const hash = createHash('sha256').update(code).digest('hex');
    assert.equal(await store.loginCodes.consume(code, clock.now()), undefined, 'the plain code is not stored');
    assert.equal((await store.loginCodes.consume(hash, clock.now()))?.principalObjectId, admin.objectId);
  });

  it('redeems once, re-reading the principal from the store', async () => {
    const { code } = await links.create(ACTOR, admin);
    assert.deepEqual(await links.redeem(TENANT.toUpperCase(), code), admin);
    await rejectsWith(links.redeem(TENANT, code), /expired or was already used\. Run 'openmi portal' for a new one\./);
  });

  it('refuses an expired code, a wrong tenant, an unknown or empty code', async () => {
    const { code } = await links.create(ACTOR, admin, 60);
    clock.advance(60_000);
    await rejectsWith(links.redeem(TENANT, code), /expired or was already used/);
    const other = await links.create(ACTOR, admin);
    await rejectsWith(links.redeem('11111111-1111-4111-8111-111111111111', other.code), /made for another tenant/);
    await rejectsWith(links.redeem(TENANT, other.code), /expired or was already used/); // spent by the wrong-tenant attempt
    await rejectsWith(links.redeem(TENANT, 'not-a-code'), /expired or was already used/);
    await rejectsWith(links.redeem(TENANT, ''), /expired or was already used/);
    await rejectsWith(links.redeem(TENANT, 'x'.repeat(5000)), /expired or was already used/);
  });

  it('refuses a code whose principal was deleted meanwhile', async () => {
    const gone = principal({
      objectId: 'a1b2c3d4-0000-4000-8000-000000000009',
      appId: 'a1b2c3d4-0000-4000-8000-000000000010',
    });
    await store.principals.create(gone);
    const { code } = await links.create(ACTOR, gone);
    await store.principals.delete(gone.objectId);
    await rejectsWith(links.redeem(TENANT, code), /no longer exists/);
  });

  it("refuses a code made at or before its principal's token revocation; a later code works", async () => {
    const p = principal({
      objectId: 'a1b2c3d4-0000-4000-8000-000000000011',
      appId: 'a1b2c3d4-0000-4000-8000-000000000012',
    });
    await store.principals.create(p);
    const before = await links.create(ACTOR, p);
    await store.tokenRevocations.put({ principalId: p.objectId, revokedAt: clock.now(), revokedBy: admin.objectId });
    await rejectsWith(links.redeem(TENANT, before.code), /revoked/);
    clock.advance(1);
    const after = await links.create(ACTOR, p);
    assert.equal((await links.redeem(TENANT, after.code)).objectId, p.objectId);
  });

  it('purges expired codes when making new ones, and checks the lifetime', async () => {
    await links.create(ACTOR, admin, 1);
    clock.advance(1000);
    await links.create(ACTOR, admin);
    assert.equal(await store.loginCodes.deleteExpired(clock.now()), 0);
    await assert.rejects(links.create(ACTOR, admin, 0), (e: unknown) => isDomainError(e) && e.kind === 'invalid');
    await assert.rejects(links.create(ACTOR, admin, 3601), (e: unknown) => isDomainError(e) && e.kind === 'invalid');
  });
});
