import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnChildServer, type ChildServer } from '../helpers/child-server.js';
import { forEachStore } from '../helpers/postgres.js';
import {
  FORGED_CASES,
  VERIFIERS,
  casesFor,
  outcomeTable,
  type ForgedCase,
  type Verifier,
} from '../helpers/forged/corpus.js';
import { buildForgedWorld, type ForgedWorld } from '../helpers/forged/world.js';

const MIN_CASES = 40;

/**
 * The forged-credential corpus (test/helpers/forged/) against every verifier openmi has: ARM,
 * Graph, Key Vault, Blob, the gate, the token service (federated client assertions) and the agent
 * API (agent assertions), on a real `openmi serve` process. Each verifier first accepts real
 * credentials (so nothing passes vacuously), then must refuse every case that applies to it with
 * its documented refusal: never accepted, never a 5xx.
 */
await forEachStore((storeName, storeSpec) => {
  describe(`forged-token corpus against every verifier (${storeName})`, () => {
    let s: ChildServer;
    let w: ForgedWorld;
    const tally = new Map<Verifier, { refused: number; skipped: number }>();
    before(async () => {
      const spec = await storeSpec();
      s = await spawnChildServer({ store: spec.spec, onStop: spec.drop });
      w = await buildForgedWorld(s);
    });
    after(async () => {
      await w?.close();
      await s?.stop();
      const lines = [...tally].map(
        ([v, n]) => `${v.padEnd(12)} ${String(n.refused).padStart(3)} refused, ${n.skipped} n/a`,
      );
      console.log(`forged-token corpus on ${storeName}: ${FORGED_CASES.length} cases\n  ${lines.join('\n  ')}`);
    });

    it(`has at least ${MIN_CASES} named cases, each with an expected outcome on every verifier`, () => {
      assert.ok(FORGED_CASES.length >= MIN_CASES, `${FORGED_CASES.length} cases`);
      assert.equal(new Set(FORGED_CASES.map((c) => c.name)).size, FORGED_CASES.length, 'case names are unique');
      for (const row of outcomeTable()) assert.deepEqual(Object.keys(row.outcomes), [...VERIFIERS], row.name);
      for (const v of VERIFIERS) assert.ok(casesFor(v).length >= MIN_CASES, `${v}: ${casesFor(v).length} cases apply`);
    });

    /** Undefined when `v` refused case `c` as documented; else what happened. */
    const attempt = async (v: Verifier, c: ForgedCase): Promise<string | undefined> => {
      const probe = w.probes[v];
      let r;
      try {
        r = await probe.send(c.build(w.kits[v]));
      } catch (e) {
        // The listener may close the connection on an oversized request; the server must still serve.
        if (c.transport && (await s.healthy())) return undefined;
        return `${c.name}: connection error (${(e as Error).message}); server alive: ${s.alive()}`;
      }
      if (probe.refused(r)) return undefined;
      if (c.transport && (r.status === 413 || r.status === 431)) return undefined;
      const verdict =
        r.status >= 200 && r.status < 300 ? 'ACCEPTED' : r.status >= 500 ? '5xx' : 'not the documented refusal';
      return `${c.name}: ${verdict}: ${r.status} ${r.text.slice(0, 300)}`;
    };

    for (const v of VERIFIERS) {
      it(`${v}: accepts a real credential and the same claims re-signed (the positive controls)`, async () => {
        const real = await w.probes[v].send(await w.controls[v]());
        assert.ok(real.status >= 200 && real.status < 300, `real: ${real.status} ${real.text}`);
        const k = w.kits[v];
        const resigned = await w.probes[v].send(k.sign(k.header(), k.claims()));
        assert.ok(resigned.status >= 200 && resigned.status < 300, `re-signed: ${resigned.status} ${resigned.text}`);
      });

      it(`${v}: refuses every forged case that applies to it`, async (t) => {
        const n = { refused: 0, skipped: FORGED_CASES.length - casesFor(v).length };
        tally.set(v, n);
        const failures: string[] = [];
        for (const c of casesFor(v)) {
          const failure = await attempt(v, c);
          if (failure) failures.push(failure);
          else n.refused++;
        }
        t.diagnostic(`${v}: ${n.refused} of ${casesFor(v).length} cases refused (${n.skipped} n/a)`);
        assert.deepEqual(failures, []);
        assert.ok(
          (await w.probes[v].send(await w.controls[v]())).status < 300,
          'still accepts a real credential afterwards',
        );
      });
    }

    it('no verifier fetched the URLs in jku or x5u, and the server still serves', async () => {
      assert.equal(w.attackerFetches(), 0);
      assert.ok(await s.healthy());
    });
  });
});
