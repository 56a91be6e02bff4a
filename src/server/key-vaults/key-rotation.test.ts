import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.js';
import { createLogger } from '../../kernel/log.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { KeyVaultRecord } from '../../store/key-vault.js';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { KeyAutoRotation, KeyRotation, checkPolicy } from './key-rotation.js';
import { KeyService } from './keys.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

describe('rotation policy rules (how-to-configure-key-rotation)', () => {
  const refused = (p: unknown) => assert.throws(() => checkPolicy(p, NOW), { code: 'BadParameter' });
  it('takes Rotate after create or before expiry, Notify before expiry, and an expiry of 28 days or more', () => {
    const p = checkPolicy(
      {
        lifetimeActions: [
          { trigger: { timeAfterCreate: 'P90D' }, action: { type: 'rotate' } },
          { trigger: { timeBeforeExpiry: 'P1W' }, action: { type: 'Notify' } },
        ],
        attributes: { expiryTime: 'P1Y' },
      },
      NOW,
    );
    assert.deepEqual(p.lifetimeActions[0], { trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } });
    assert.equal(p.attributes.expiryTime, 'P1Y');
  });
  it('refuses what Key Vault refuses', () => {
    refused({ lifetimeActions: [{ trigger: { timeAfterCreate: 'P6D' }, action: { type: 'Rotate' } }] });
    refused({ lifetimeActions: [{ trigger: { timeAfterCreate: '90 days' }, action: { type: 'Rotate' } }] });
    refused({ lifetimeActions: [{ trigger: { timeAfterCreate: 'P30D' }, action: { type: 'Notify' } }] });
    refused({ lifetimeActions: [{ trigger: {}, action: { type: 'Rotate' } }] });
    refused({
      lifetimeActions: [{ trigger: { timeAfterCreate: 'P9D', timeBeforeExpiry: 'P9D' }, action: { type: 'Rotate' } }],
    });
    refused({ lifetimeActions: [{ trigger: { timeAfterCreate: 'P9D' }, action: { type: 'Delete' } }] });
    refused({ lifetimeActions: [], attributes: { expiryTime: 'P27D' } });
    refused({
      lifetimeActions: [{ trigger: { timeAfterCreate: 'P2Y' }, action: { type: 'Rotate' } }],
      attributes: { expiryTime: 'P1Y' },
    });
    const twice = { trigger: { timeAfterCreate: 'P9D' }, action: { type: 'Rotate' } };
    refused({ lifetimeActions: [twice, twice] });
  });
});

await forEachStore((storeName, storeSpec) => {
  describe(`automatic key rotation by policy on ${storeName}`, () => {
    let store: Store;
    let dir: string;
    let drop: () => Promise<void>;
    const clock = new ManualClock(NOW);
    const vault: KeyVaultRecord = {
      id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-rot',
      subscriptionId: 's1',
      resourceGroup: 'rg',
      name: 'kv-rot',
      location: 'westeurope',
      tags: {},
      tenantId: 't1',
      sku: 'standard',
      createdAt: NOW,
      updatedAt: NOW,
    };
    before(async () => {
      const s = await storeSpec();
      drop = s.drop;
      dir = mkdtempSync(join(tmpdir(), 'openmi-rot-'));
      const spec =
        s.spec === 'sqlite'
          ? { kind: 'sqlite' as const, path: join(dir, 'store.db') }
          : { kind: 'postgres' as const, url: s.spec };
      store = await openStore(spec);
      await store.keyVaults.create(vault);
    });
    after(async () => {
      await store.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('rotates a key timeAfterCreate its latest version, sets expiryTime on the new one, and only then', async () => {
      const keys = new KeyService(store, randomBytes(32), clock);
      const rotation = new KeyRotation(store, keys, clock);
      const auto = new KeyAutoRotation(rotation, 60_000, createLogger('silent'));
      const first = await keys.create(vault, 'k1', { kty: 'EC', crv: 'P-256' });
      await keys.create(vault, 'k2', { kty: 'EC', crv: 'P-256' });
      await rotation.putPolicy(vault, 'k1', {
        lifetimeActions: [{ trigger: { timeAfterCreate: 'P30D' }, action: { type: 'Rotate' } }],
        attributes: { expiryTime: 'P90D' },
      });
      await rotation.putPolicy(vault, 'k2', {
        lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }],
      });
      clock.advance(29 * DAY);
      assert.deepEqual(await auto.tick(), [], 'not due yet');
      clock.advance(1 * DAY);
      assert.deepEqual(await auto.tick(), [`${vault.id}/keys/k1`]);
      const latest = await keys.objects.get(vault, 'k1');
      assert.notEqual(latest.version, first.version);
      assert.equal(latest.doc.expires, clock.now() + 90 * DAY);
      assert.deepEqual(await auto.tick(), [], 'the new version starts the count again');
      assert.equal((await keys.objects.versions(vault, 'k2')).length, 1, 'a Notify-only policy never rotates');
      const notLeading = new KeyAutoRotation(rotation, 60_000, createLogger('silent'), async () => false);
      clock.advance(31 * DAY);
      assert.deepEqual(await notLeading.tick(), [], 'only the housekeeping leader rotates');
      assert.deepEqual(await auto.tick(), [`${vault.id}/keys/k1`]);
    });

    it('rotates timeBeforeExpiry the latest version expires, and skips a soft-deleted key', async () => {
      const keys = new KeyService(store, randomBytes(32), clock);
      const rotation = new KeyRotation(store, keys, clock);
      const auto = new KeyAutoRotation(rotation, 60_000, createLogger('silent'));
      const exp = Math.floor((clock.now() + 60 * DAY) / 1000);
      await keys.create(vault, 'k3', { kty: 'EC', crv: 'P-256', attributes: { exp } });
      await keys.create(vault, 'k4', { kty: 'EC', crv: 'P-256' });
      const policy = { lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P10D' }, action: { type: 'Rotate' } }] };
      await rotation.putPolicy(vault, 'k3', policy);
      await rotation.putPolicy(vault, 'k4', {
        lifetimeActions: [{ trigger: { timeAfterCreate: 'P7D' }, action: { type: 'Rotate' } }],
      });
      await keys.objects.delete(vault, 'k4');
      clock.advance(49 * DAY);
      const rotated = await auto.tick();
      assert.ok(!rotated.includes(`${vault.id}/keys/k3`), JSON.stringify(rotated));
      clock.advance(1 * DAY);
      assert.ok((await auto.tick()).includes(`${vault.id}/keys/k3`));
      assert.equal((await keys.objects.get(vault, 'k3')).doc.expires, null, 'no expiryTime in the policy: none set');
      assert.equal((await store.keyVaultKeys.listVersions(vault.id, 'k4')).length, 1);
    });
  });
});
