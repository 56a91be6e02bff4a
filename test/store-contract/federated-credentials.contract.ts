import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FederatedCredentialRecord, UserAssignedIdentityRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { cmp } from './directory.contract.js';
import {
  assertConflictCode,
  collectPages,
  federatedCredential,
  flipCase,
  identity,
  mixedGuid,
  T0,
  useStore,
} from './fixtures.js';

const NAME_EXISTS = 'FederatedCredentialExists';
const PAIR_EXISTS = 'FederatedCredentialIssuerSubjectExists';

export function federatedCredentialContract(newStore: () => Promise<Store>): void {
  describe('federatedCredentials', () => {
    const store = useStore(newStore);
    const newIdentity = async (name = 'uami'): Promise<UserAssignedIdentityRecord> => {
      const i = identity(mixedGuid(), 'rg', name);
      await store().identities.create(i);
      return i;
    };

    it('round-trips every field; get is case-insensitive and keeps the casing', async () => {
      const i = await newIdentity('Uami-Fic');
      const f = federatedCredential(i.id, 'GitHub-Main', { audiences: ['api://AzureADTokenExchange', 'Other Aud'] });
      const none = federatedCredential(i.id, 'no-audiences', { audiences: [], subject: 'system:serviceaccount:ns:Sa' });
      await store().federatedCredentials.create(f);
      await store().federatedCredentials.create(none);
      assert.deepEqual(await store().federatedCredentials.get(flipCase(f.id)), f);
      assert.deepEqual(await store().federatedCredentials.get(none.id.toUpperCase()), none);
      assert.equal(await store().federatedCredentials.get(`${i.id}/federatedIdentityCredentials/absent`), undefined);
    });

    it('a duplicate name in any casing conflicts with FederatedCredentialExists', async () => {
      const i = await newIdentity();
      const f = federatedCredential(i.id, 'Dup');
      await store().federatedCredentials.create(f);
      const dup = federatedCredential(flipCase(i.id), 'dUP', { subject: 'something-else' });
      await assertConflictCode(store().federatedCredentials.create(dup), NAME_EXISTS);
      assert.deepEqual(await store().federatedCredentials.get(f.id), f);
    });

    it('a duplicate issuer+subject under another name conflicts with its own code, naming both and the holder', async () => {
      const i = await newIdentity();
      const f = federatedCredential(i.id, 'First-Holder', { issuer: 'https://issuer.example/T1', subject: 'Repo:X' });
      await store().federatedCredentials.create(f);
      const e = await assertConflictCode(
        store().federatedCredentials.create(
          federatedCredential(i.id, 'second', { issuer: f.issuer, subject: f.subject }),
        ),
        PAIR_EXISTS,
      );
      assert.match(e.message, /https:\/\/issuer\.example\/T1/);
      assert.match(e.message, /Repo:X/);
      assert.match(e.message, /First-Holder/);
      assert.equal(await store().federatedCredentials.get(`${i.id}/federatedIdentityCredentials/second`), undefined);
    });

    it('issuer and subject compare exactly: differing only in case is not a duplicate; other identities are separate', async () => {
      const i = await newIdentity();
      const f = federatedCredential(i.id, 'exact', { issuer: 'https://Issuer.example', subject: 'Subject' });
      await store().federatedCredentials.create(f);
      const upperSubject = federatedCredential(i.id, 'upper-subject', { issuer: f.issuer, subject: 'SUBJECT' });
      const lowerIssuer = federatedCredential(i.id, 'lower-issuer', {
        issuer: 'https://issuer.example',
        subject: f.subject,
      });
      await store().federatedCredentials.create(upperSubject);
      await store().federatedCredentials.create(lowerIssuer);
      const other = await newIdentity();
      const elsewhere = federatedCredential(other.id, 'exact', { issuer: f.issuer, subject: f.subject });
      await store().federatedCredentials.create(elsewhere);
      assert.deepEqual(
        await store().federatedCredentials.findByIssuerSubject(f.issuer, f.subject),
        [f, elsewhere].sort(byId),
      );
      assert.deepEqual(await store().federatedCredentials.findByIssuerSubject(f.issuer, 'SUBJECT'), [upperSubject]);
      assert.deepEqual(await store().federatedCredentials.findByIssuerSubject('https://issuer.example', 'subject'), []);
    });

    it('update replaces issuer, subject, audiences and updatedAt only; false when absent', async () => {
      const i = await newIdentity();
      const f = federatedCredential(i.id, 'Upd');
      await store().federatedCredentials.create(f);
      const changed = { ...f, id: flipCase(f.id), name: 'UPD', createdAt: T0 + 999 };
      const next = {
        issuer: 'https://new.example',
        subject: 'new-subject',
        audiences: ['a', 'b'],
        updatedAt: T0 + 50_000,
      };
      assert.equal(await store().federatedCredentials.update({ ...changed, ...next }), true);
      assert.deepEqual(await store().federatedCredentials.get(f.id), { ...f, ...next });
      // Re-saving its own issuer+subject is not a conflict.
      assert.equal(await store().federatedCredentials.update({ ...f, ...next, audiences: ['c'] }), true);
      assert.equal(await store().federatedCredentials.update(federatedCredential(i.id, 'absent')), false);
      assert.equal(await store().federatedCredentials.get(`${i.id}/federatedIdentityCredentials/absent`), undefined);
    });

    it('update conflicts when another credential of the identity holds the issuer+subject', async () => {
      const i = await newIdentity();
      const a = federatedCredential(i.id, 'a-holder', { subject: 'shared-subject' });
      const b = federatedCredential(i.id, 'b');
      await store().federatedCredentials.create(a);
      await store().federatedCredentials.create(b);
      const e = await assertConflictCode(
        store().federatedCredentials.update({ ...b, issuer: a.issuer, subject: a.subject, updatedAt: T0 + 1 }),
        PAIR_EXISTS,
      );
      assert.match(e.message, /a-holder/);
      assert.deepEqual(await store().federatedCredentials.get(b.id), b);
      // The same pair on another identity does not count.
      const other = await newIdentity();
      const c = federatedCredential(other.id, 'c');
      await store().federatedCredentials.create(c);
      assert.equal(await store().federatedCredentials.update({ ...c, issuer: a.issuer, subject: a.subject }), true);
    });

    it('conflicts caught inside a tx leave the tx usable', async () => {
      const i = await newIdentity();
      const f = federatedCredential(i.id, 'in-tx');
      const g = federatedCredential(i.id, 'in-tx-2');
      await store().tx(async (tx) => {
        await tx.federatedCredentials.create(f);
        await assertConflictCode(tx.federatedCredentials.create({ ...f, subject: 'other' }), NAME_EXISTS);
        await assertConflictCode(tx.federatedCredentials.create({ ...g, subject: f.subject }), PAIR_EXISTS);
        await tx.federatedCredentials.create(g);
        await assertConflictCode(tx.federatedCredentials.update({ ...g, subject: f.subject }), PAIR_EXISTS);
      });
      assert.deepEqual(await store().federatedCredentials.get(f.id), f);
      assert.deepEqual(await store().federatedCredentials.get(g.id), g);
    });

    it('lists 1,000 credentials of one identity completely, by pages of 100 in lower-cased name order', async () => {
      const i = await newIdentity('busy');
      const made = Array.from({ length: 1000 }, (_, n) =>
        federatedCredential(i.id, `${['Fic-', 'fic_', 'FIC.'][n % 3]}${String(n).padStart(4, '0')}`, {
          createdAt: T0 + n,
        }),
      );
      await store().tx(async (tx) => {
        for (const f of made) await tx.federatedCredentials.create(f);
      });
      const other = await newIdentity('quiet');
      await store().federatedCredentials.create(federatedCredential(other.id, 'aaa'));
      const pages = await collectPages((after) => store().federatedCredentials.list(flipCase(i.id), 100, after), 20);
      assert.equal(pages.length, 10);
      assert.ok(pages.every((p) => p.items.length === 100));
      assert.deepEqual(
        pages.map((p) => p.next !== undefined),
        [...Array(9).fill(true), false],
      );
      const expected = [...made].sort((a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()));
      assert.deepEqual(
        pages.flatMap((p) => p.items),
        expected,
      );
      assert.deepEqual(await store().federatedCredentials.list(mixedGuid(), 10), { items: [] });
      await assert.rejects(store().federatedCredentials.list(i.id, 0));
    });

    it('delete returns true once, then false; deleteForIdentity returns the count and spares other identities', async () => {
      const i = await newIdentity();
      const other = await newIdentity();
      const fs = ['a', 'b', 'c'].map((n) => federatedCredential(i.id, n));
      for (const f of fs) await store().federatedCredentials.create(f);
      const kept = federatedCredential(other.id, 'kept');
      await store().federatedCredentials.create(kept);
      assert.equal(await store().federatedCredentials.delete(flipCase(fs[0]!.id)), true);
      assert.equal(await store().federatedCredentials.delete(fs[0]!.id), false);
      assert.equal(await store().federatedCredentials.deleteForIdentity(i.id.toUpperCase()), 2);
      assert.equal(await store().federatedCredentials.deleteForIdentity(i.id), 0);
      assert.deepEqual((await store().federatedCredentials.list(i.id, 10)).items, []);
      assert.deepEqual(await store().federatedCredentials.get(kept.id), kept);
    });

    it('deleting the identity deletes its credentials; a credential needs an existing identity', async () => {
      const i = await newIdentity();
      const f = federatedCredential(i.id, 'goes');
      await store().federatedCredentials.create(f);
      assert.equal(await store().identities.delete(i.id), true);
      assert.equal(await store().federatedCredentials.get(f.id), undefined);
      assert.deepEqual(await store().federatedCredentials.findByIssuerSubject(f.issuer, f.subject), []);
      await assert.rejects(store().federatedCredentials.create(federatedCredential(i.id, 'orphan')));
    });
  });
}

const byId = (a: FederatedCredentialRecord, b: FederatedCredentialRecord): number =>
  cmp(a.id.toLowerCase(), b.id.toLowerCase());
