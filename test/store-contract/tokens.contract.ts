import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../../src/kernel/errors.js';
import type { FederationIssuerRecord, TokenRevocationRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { cmp } from './directory.contract.js';
import { assertConflict, flipCase, mixedGuid, T0, useStore } from './fixtures.js';

const revocation = (o: Partial<TokenRevocationRecord> = {}): TokenRevocationRecord => ({
  principalId: mixedGuid(),
  revokedAt: T0 + 40,
  revokedBy: mixedGuid(),
  ...o,
});

const federationIssuer = (name: string, o: Partial<FederationIssuerRecord> = {}): FederationIssuerRecord => ({
  name,
  issuer: `https://Issuer.example/${mixedGuid()}`,
  jwks: { keys: [{ kty: 'RSA', kid: 'K1', n: 'sXch', e: 'AQAB', use: 'sig', alg: 'RS256', ünïcode: null }] },
  createdBy: mixedGuid(),
  createdAt: T0 + 41,
  updatedAt: T0 + 42,
  ...o,
});

export function tokenRevocationContract(newStore: () => Promise<Store>): void {
  describe('tokenRevocations', () => {
    const store = useStore(newStore);

    it('put/get round-trips; get is case-insensitive and keeps the casing', async () => {
      const r = revocation();
      await store().tokenRevocations.put(r);
      assert.deepEqual(await store().tokenRevocations.get(flipCase(r.principalId)), r);
      assert.equal(await store().tokenRevocations.get(mixedGuid()), undefined);
    });

    it('put moves revokedAt (and revokedBy) forward, never backwards, under any casing of the id', async () => {
      const r = revocation();
      await store().tokenRevocations.put(r);
      const later = { principalId: flipCase(r.principalId), revokedAt: r.revokedAt + 1000, revokedBy: mixedGuid() };
      await store().tokenRevocations.put(later);
      const expected = { ...later, principalId: r.principalId };
      assert.deepEqual(await store().tokenRevocations.get(r.principalId), expected);
      await store().tokenRevocations.put({ ...r, revokedAt: r.revokedAt + 500, revokedBy: mixedGuid() });
      await store().tokenRevocations.put({ ...r, revokedAt: T0 });
      assert.deepEqual(await store().tokenRevocations.get(r.principalId), expected);
    });

    it('concurrent puts for one principal leave the latest time, whatever order they land in', async () => {
      const principalId = mixedGuid();
      const times = [5, 1, 9, 3, 7, 2].map((i) => T0 + i * 1000);
      const put = (revokedAt: number) =>
        store().tokenRevocations.put({ principalId, revokedAt, revokedBy: `by-${revokedAt}` });
      await Promise.all(times.map(put));
      const max = Math.max(...times);
      assert.deepEqual(await store().tokenRevocations.get(principalId), {
        principalId,
        revokedAt: max,
        revokedBy: `by-${max}`,
      });
    });

    it('list returns every revocation, one per principal; delete returns true once, then false', async () => {
      for (const r of await store().tokenRevocations.list()) await store().tokenRevocations.delete(r.principalId);
      const made = [revocation(), revocation({ revokedAt: T0 + 1 }), revocation({ revokedAt: T0 + 2 })];
      for (const r of made) await store().tokenRevocations.put(r);
      await store().tokenRevocations.put({
        ...made[0]!,
        principalId: flipCase(made[0]!.principalId),
        revokedAt: T0 + 50,
      });
      const byId = (x: TokenRevocationRecord, y: TokenRevocationRecord): number =>
        cmp(x.principalId.toLowerCase(), y.principalId.toLowerCase());
      const expected = [{ ...made[0]!, revokedAt: T0 + 50 }, made[1]!, made[2]!].sort(byId);
      assert.deepEqual([...(await store().tokenRevocations.list())].sort(byId), expected);
      assert.equal(await store().tokenRevocations.delete(flipCase(made[1]!.principalId)), true);
      assert.equal(await store().tokenRevocations.delete(made[1]!.principalId), false);
      assert.equal(await store().tokenRevocations.get(made[1]!.principalId), undefined);
      assert.equal((await store().tokenRevocations.list()).length, 2);
    });
  });
}

export function federationIssuerContract(newStore: () => Promise<Store>): void {
  describe('federationIssuers', () => {
    const store = useStore(newStore);

    it('put/get round-trips every field; get by name is case-insensitive, getByIssuer is exact', async () => {
      const f = federationIssuer('My-Cluster');
      await store().federationIssuers.put(f);
      assert.deepEqual(await store().federationIssuers.get(flipCase(f.name)), f);
      assert.deepEqual(await store().federationIssuers.getByIssuer(f.issuer), f);
      assert.equal(await store().federationIssuers.getByIssuer(flipCase(f.issuer)), undefined);
      assert.equal(await store().federationIssuers.getByIssuer(f.issuer.toLowerCase()), undefined);
      assert.equal(await store().federationIssuers.getByIssuer(`${f.issuer}/`), undefined);
      assert.equal(await store().federationIssuers.get('absent'), undefined);
    });

    it('put on an existing name (any casing) replaces issuer, jwks and updatedAt, keeping name, createdAt and createdBy', async () => {
      const f = federationIssuer('Upsert-Me');
      await store().federationIssuers.put(f);
      const next = { issuer: `https://moved.example/${mixedGuid()}`, jwks: { keys: [] }, updatedAt: T0 + 9_000 };
      await store().federationIssuers.put({
        ...f,
        ...next,
        name: 'UPSERT-me',
        createdAt: T0 + 999,
        createdBy: mixedGuid(),
      });
      assert.deepEqual(await store().federationIssuers.get(f.name), { ...f, ...next });
      assert.equal(await store().federationIssuers.getByIssuer(f.issuer), undefined);
      assert.deepEqual(await store().federationIssuers.getByIssuer(next.issuer), { ...f, ...next });
      // Re-saving its own issuer is not a conflict.
      await store().federationIssuers.put({ ...f, ...next, updatedAt: T0 + 10_000 });
      assert.deepEqual(await store().federationIssuers.get(f.name), { ...f, ...next, updatedAt: T0 + 10_000 });
    });

    it('another name holding the issuer conflicts, on insert and on update, and changes nothing', async () => {
      const a = federationIssuer('Holder-A');
      const b = federationIssuer('b');
      await store().federationIssuers.put(a);
      await store().federationIssuers.put(b);
      const e = await conflictOf(store().federationIssuers.put(federationIssuer('newcomer', { issuer: a.issuer })));
      assert.match(e.message, /Holder-A/);
      assert.equal(await store().federationIssuers.get('newcomer'), undefined);
      await assertConflict(store().federationIssuers.put({ ...b, issuer: a.issuer, updatedAt: T0 + 1 }));
      assert.deepEqual(await store().federationIssuers.get(b.name), b);
      assert.deepEqual(await store().federationIssuers.getByIssuer(a.issuer), a);
    });

    it('issuers differing only in case are different issuers', async () => {
      const upper = federationIssuer('upper', { issuer: `https://CASE.example/${mixedGuid()}` });
      const lower = federationIssuer('lower', { issuer: upper.issuer.toLowerCase() });
      await store().federationIssuers.put(upper);
      await store().federationIssuers.put(lower);
      assert.deepEqual(await store().federationIssuers.getByIssuer(upper.issuer), upper);
      assert.deepEqual(await store().federationIssuers.getByIssuer(lower.issuer), lower);
    });

    it('two names racing for one issuer: exactly one wins, the other conflicts', async () => {
      const issuer = `https://race.example/${mixedGuid()}`;
      const racers = ['race-1', 'race-2', 'race-3'].map((n) => federationIssuer(n, { issuer }));
      const results = await Promise.allSettled(racers.map((f) => store().federationIssuers.put(f)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected')
          assert.ok(isDomainError(r.reason) && r.reason.kind === 'conflict', String(r.reason));
      }
      const winner = racers[results.findIndex((r) => r.status === 'fulfilled')]!;
      assert.deepEqual(await store().federationIssuers.getByIssuer(issuer), winner);
    });

    it('a conflict caught inside a tx leaves the tx usable', async () => {
      const a = federationIssuer('tx-a');
      const b = federationIssuer('tx-b');
      await store().tx(async (tx) => {
        await tx.federationIssuers.put(a);
        await assertConflict(tx.federationIssuers.put({ ...b, issuer: a.issuer }));
        await tx.federationIssuers.put(b);
      });
      assert.deepEqual(await store().federationIssuers.get(a.name), a);
      assert.deepEqual(await store().federationIssuers.get(b.name), b);
    });

    it('list is ordered by lower-cased name; delete returns true once and frees the issuer', async () => {
      for (const f of await store().federationIssuers.list()) await store().federationIssuers.delete(f.name);
      const made = ['Zeta', 'alpha', 'Beta', 'beta-2', 'b_1'].map((n) => federationIssuer(n));
      for (const f of made) await store().federationIssuers.put(f);
      const expected = [...made].sort((x, y) => cmp(x.name.toLowerCase(), y.name.toLowerCase()));
      assert.deepEqual(await store().federationIssuers.list(), expected);
      assert.equal(await store().federationIssuers.delete('ZETA'), true);
      assert.equal(await store().federationIssuers.delete('Zeta'), false);
      const reused = federationIssuer('zeta-again', { issuer: made[0]!.issuer });
      await store().federationIssuers.put(reused);
      assert.deepEqual(await store().federationIssuers.getByIssuer(made[0]!.issuer), reused);
    });
  });
}

async function conflictOf(p: Promise<unknown>): Promise<Error> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => ((caught = e), isDomainError(e) && e.kind === 'conflict'));
  return caught as Error;
}
