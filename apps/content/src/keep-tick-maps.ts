import { createHook } from 'node:async_hooks';

/**
 * One `process.nextTick` tick object, kept for the life of the process so that V8 never drops the hidden classes
 * ("maps") every tick object shares. Imported first by the content app's entry point, before anything else runs.
 *
 * Why: `nextTick` builds each tick object with an object literal whose first keys are computed
 * (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`). Optimized code defines those properties
 * quickly only while the literal's feedback has seen one map per property; the runtime call that feeds it turns the
 * feedback megamorphic for good as soon as it meets a map other than the one it recorded. V8 holds those maps
 * weakly: a full collection while no tick object is alive (an idle content process between requests) drops them,
 * the next tick object gets new ones, the feedback goes megamorphic, and from then on every tick object (about eight
 * per small request, from node:http and streams) is built through `Runtime_DefineKeyedOwnPropertyInLiteral` with map
 * migrations: 121,000 instructions per 4 KiB request instead of 82,000 (docs/BENCHMARKS.md, "V8's slow state").
 * Whether a process ended up there depended on when its collections ran, so some processes were slow and others not.
 * A live tick object keeps the maps, and with them the feedback, as they are.
 */
export const keptTickObject: object | null = captureTickObject();

/** The tick object `process.nextTick` builds for one call (null if node stopped reporting them to async hooks). */
export function captureTickObject(): object | null {
  let captured: object | null = null;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && captured === null) captured = resource as object;
    },
  }).enable();
  try {
    process.nextTick(noop);
  } finally {
    hook.disable();
  }
  return captured;
}

function noop(): void {}
