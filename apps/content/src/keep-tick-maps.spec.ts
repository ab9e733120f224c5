import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { captureTickObject, keptTickObject } from './keep-tick-maps';

describe('keptTickObject', () => {
  it('is a tick object of process.nextTick', () => {
    expect(keptTickObject).not.toBeNull();
    expect(Object.keys(keptTickObject!)).toEqual(['callback', 'args']);
    expect(Object.getOwnPropertySymbols(keptTickObject!)).toHaveLength(2);
  });

  it('keeps the map tick objects get through full collections with no tick object pending', async () => {
    setFlagsFromString('--allow-natives-syntax');
    setFlagsFromString('--expose-gc');
    const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    const gc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-allow-natives-syntax');
    // Nothing queued on the tick queue while collecting, as in an idle process.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    gc();
    const fresh = captureTickObject();
    expect(fresh).not.toBeNull();
    expect(haveSameMap(keptTickObject!, fresh!)).toBe(true);
  });
});
