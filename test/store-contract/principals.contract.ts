import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { assertConflict, clientSecret, flipCase, mixedGuid, principal, T0, useStore } from './fixtures.js';

export function principalContract(newStore: () => Promise<Store>): void {
  describe('principals', () => {
    const store = useStore(newStore);

    it('round-trips both kinds by object id and by app id, case-insensitively', async () => {
      const app = principal();
      const mi = principal({
        kind: 'managedIdentity',
        displayName: 'uami-1',
        resourceId:
          '/subscriptions/S/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Uami-1',
      });
      await store().principals.create(app);
      await store().principals.create(mi);
      assert.deepEqual(await store().principals.getByObjectId(flipCase(app.objectId)), app);
      assert.deepEqual(await store().principals.getByAppId(flipCase(app.appId)), app);
      assert.deepEqual(await store().principals.getByObjectId(mi.objectId), mi);
      assert.deepEqual(await store().principals.getByAppId(mi.appId.toUpperCase()), mi);
    });

    it('lookups return undefined when absent (and do not confuse object and app ids)', async () => {
      const p = principal();
      await store().principals.create(p);
      assert.equal(await store().principals.getByObjectId(p.appId), undefined);
      assert.equal(await store().principals.getByAppId(p.objectId), undefined);
    });

    it('create conflicts on a duplicate object id or a duplicate app id', async () => {
      const p = principal();
      await store().principals.create(p);
      await assertConflict(store().principals.create(principal({ objectId: p.objectId.toUpperCase() })));
      await assertConflict(store().principals.create(principal({ appId: flipCase(p.appId) })));
      assert.deepEqual(await store().principals.getByObjectId(p.objectId), p);
    });

    it('delete returns true once, then false; the principal is gone', async () => {
      const p = principal();
      await store().principals.create(p);
      assert.equal(await store().principals.delete(flipCase(p.objectId)), true);
      assert.equal(await store().principals.getByObjectId(p.objectId), undefined);
      assert.equal(await store().principals.getByAppId(p.appId), undefined);
      assert.equal(await store().principals.delete(p.objectId), false);
    });
  });
}

export function clientSecretContract(newStore: () => Promise<Store>): void {
  describe('clientSecrets', () => {
    const store = useStore(newStore);

    it('lists a principal’s secrets oldest first with every field, case-insensitively', async () => {
      const p = principal();
      const other = principal();
      await store().principals.create(p);
      await store().principals.create(other);
      const newer = clientSecret(p.objectId, { createdAt: T0 + 2000, expiresAt: null, hint: 'new' });
      const older = clientSecret(p.objectId, { createdAt: T0 + 1000 });
      await store().clientSecrets.create(newer);
      await store().clientSecrets.create(older);
      await store().clientSecrets.create(clientSecret(other.objectId));
      assert.deepEqual(await store().clientSecrets.listForPrincipal(flipCase(p.objectId)), [older, newer]);
      assert.deepEqual(await store().clientSecrets.listForPrincipal(mixedGuid()), []);
    });

    it('create conflicts on a duplicate id', async () => {
      const p = principal();
      await store().principals.create(p);
      const s = clientSecret(p.objectId);
      await store().clientSecrets.create(s);
      await assertConflict(store().clientSecrets.create({ ...s, id: s.id.toUpperCase(), hash: 'cd'.repeat(32) }));
      assert.deepEqual(await store().clientSecrets.listForPrincipal(p.objectId), [s]);
    });

    it('create rejects a secret for a principal that does not exist', async () => {
      await assert.rejects(store().clientSecrets.create(clientSecret(mixedGuid())));
    });

    it('getByAppIdWithSecrets reads the principal and its secrets in one call, oldest first', async () => {
      const p = principal();
      const bare = principal();
      await store().principals.create(p);
      await store().principals.create(bare);
      const newer = clientSecret(p.objectId, { createdAt: T0 + 2000, expiresAt: null, hint: 'new' });
      const older = clientSecret(p.objectId, { createdAt: T0 + 1000 });
      await store().clientSecrets.create(newer);
      await store().clientSecrets.create(older);
      assert.deepEqual(await store().principals.getByAppIdWithSecrets(flipCase(p.appId)), {
        principal: p,
        secrets: [older, newer],
      });
      assert.deepEqual(await store().principals.getByAppIdWithSecrets(bare.appId), { principal: bare, secrets: [] });
      assert.equal(await store().principals.getByAppIdWithSecrets(p.objectId), undefined);
    });

    // The SQLite store remembers this read between writes (sql/credential-cache.ts): every write,
    // in a transaction or not, must show at once, or a deleted application would still get tokens.
    it('getByAppIdWithSecrets sees every write made after an earlier read, in a transaction or not', async () => {
      const p = principal();
      await store().principals.create(p);
      assert.deepEqual(await store().principals.getByAppIdWithSecrets(p.appId), { principal: p, secrets: [] });
      assert.deepEqual(await store().principals.getByAppIdWithSecrets(p.appId), { principal: p, secrets: [] });
      const s1 = clientSecret(p.objectId, { createdAt: T0 + 1000 });
      await store().clientSecrets.create(s1);
      assert.deepEqual((await store().principals.getByAppIdWithSecrets(p.appId))?.secrets, [s1]);
      const s2 = clientSecret(p.objectId, { createdAt: T0 + 2000 });
      await store().tx((tx) => tx.clientSecrets.create(s2));
      assert.deepEqual((await store().principals.getByAppIdWithSecrets(flipCase(p.appId)))?.secrets, [s1, s2]);
      await assert.rejects(
        store().tx(async (tx) => {
          await tx.clientSecrets.create(clientSecret(p.objectId, { createdAt: T0 + 3000 }));
          throw new Error('roll back');
        }),
      );
      assert.deepEqual((await store().principals.getByAppIdWithSecrets(p.appId))?.secrets, [s1, s2]);
      await store().tx((tx) => tx.principals.delete(p.objectId));
      assert.equal(await store().principals.getByAppIdWithSecrets(p.appId), undefined);
      await store().principals.create(p);
      assert.deepEqual(await store().principals.getByAppIdWithSecrets(p.appId), { principal: p, secrets: [] });
      assert.equal(await store().principals.delete(p.objectId), true);
      assert.equal(await store().principals.getByAppIdWithSecrets(p.appId), undefined);
    });

    it('a read that overlaps a write is not remembered past it', async () => {
      const p = principal();
      await store().principals.create(p);
      const s = clientSecret(p.objectId);
      const [before] = await Promise.all([
        store().principals.getByAppIdWithSecrets(p.appId),
        store().clientSecrets.create(s),
      ]);
      assert.ok(before);
      assert.deepEqual((await store().principals.getByAppIdWithSecrets(p.appId))?.secrets, [s]);
    });

    it('deleting the principal deletes its secrets', async () => {
      const p = principal();
      await store().principals.create(p);
      await store().clientSecrets.create(clientSecret(p.objectId));
      assert.equal(await store().principals.delete(p.objectId), true);
      assert.deepEqual(await store().clientSecrets.listForPrincipal(p.objectId), []);
    });
  });
}
