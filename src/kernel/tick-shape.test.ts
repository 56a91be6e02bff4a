import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { heldTick, holdTickShape } from './tick-shape.js';

test('holds the process.nextTick entry its callback ran for', async () => {
  holdTickShape();
  await turn();
  const held = heldTick() as Record<string | symbol, unknown> | undefined;
  assert.ok(held, 'an entry is held once the tick has run');
  const names = Object.getOwnPropertySymbols(held).map((s) => s.description);
  assert.deepEqual(names, ['async_id_symbol', 'trigger_async_id_symbol']);
  assert.equal(typeof held['callback'], 'function');
});

/**
 * A process that does not optimize (so no optimized code keeps the maps alive either) runs
 * nextTick, collects twice over with no tick pending, runs it again, and prints the feedback of
 * nextTick's object literal as V8 keeps it (one line per computed key).
 */
function literalFeedback(hold: boolean): string[] {
  const script = `
    import { holdTickShape } from ${JSON.stringify(new URL('./tick-shape.js', import.meta.url).href)};
    if (${hold}) holdTickShape();
    const burst = () => new Promise((r) => { for (let i = 0; i < 2000; i++) process.nextTick(() => {}); setImmediate(r); });
    await burst(); await burst();
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 8; i++) globalThis.gc();
    await burst();
    %DebugPrint(process.nextTick);
  `;
  const out = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--expose-gc', '--no-opt', '--input-type=module', '-e', script],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return [...out.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1]!);
}

test("nextTick's literal stays monomorphic across full collections while an entry is held", (t) => {
  const without = literalFeedback(false);
  if (!without.includes('MEGAMORPHIC')) {
    t.skip(`this Node does not lose the literal's maps (feedback without a held entry: ${without.join(', ')})`);
    return;
  }
  const held = literalFeedback(true);
  assert.ok(held.length > 0, "V8 printed the literal's feedback");
  assert.deepEqual(
    held.filter((s) => s !== 'MONOMORPHIC'),
    [],
    `feedback with a held entry: ${held.join(', ')}`,
  );
});
