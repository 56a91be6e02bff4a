import { executionAsyncResource } from 'node:async_hooks';

/** One of process.nextTick's queue entries, held for the life of the process. */
let held: object | undefined;

/**
 * Keeps one `process.nextTick` queue entry reachable for the life of the process, so V8 never
 * collects the hidden classes ("maps") of those entries (docs/performance.md, "The agent's
 * nextTick cliff").
 *
 * Why: Node 20 builds each entry as `{ [async_id_symbol]: …, [trigger_async_id_symbol]: …,
 * callback, args }`. V8 records, for each computed key of such a literal, the one map it saw,
 * weakly; when a full GC finds no live entry (an idle process after start-up, before nextTick
 * is optimized) it drops those maps, and the next entry built by unoptimized code sees a map
 * the slot does not hold, so the slot turns megamorphic for good (V8's
 * Runtime_DefineKeyedOwnPropertyInLiteral has no polymorphic state). From then on every
 * nextTick defines three of its four properties in the runtime: hundreds of ns a call instead
 * of ~40, and Node's HTTP server makes about seven per answer: 3–4 µs, the 15–20% more CPU per
 * cached answer that some agent processes showed and others of the same build did not.
 * A held entry keeps its map, and its map keeps the maps before it, alive.
 *
 * `executionAsyncResource()` inside a nextTick callback is that entry; reading it needs no
 * async hook (enabling one would turn on V8's promise hooks).
 */
export function holdTickShape(): void {
  if (held !== undefined) return;
  process.nextTick(() => {
    held = executionAsyncResource();
  });
}

/** The entry held, once the tick that takes it has run (for tests). */
export function heldTick(): object | undefined {
  return held;
}
