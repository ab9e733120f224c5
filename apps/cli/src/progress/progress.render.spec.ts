import { describe, expect, it } from 'vitest';
import { SYNC_PROGRESS } from '@app/queue';
import { fractionDone, renderProgress, type ProgressReport } from './progress.render';
import { RateMeter } from './rate-meter';

const MiB = 1024 * 1024;
const midSync: ProgressReport[] = [
  { code: SYNC_PROGRESS.tags, done: 3, total: 3 },
  { code: SYNC_PROGRESS.manifests, done: 3, total: 3 },
  { code: SYNC_PROGRESS.blobs, done: 12, total: 20 },
  { code: SYNC_PROGRESS.bytes, done: 512 * MiB, total: 1024 * MiB },
];

describe('renderProgress', () => {
  it('draws a bar by bytes with manifests, blobs, sizes, rate and ETA', () => {
    const line = renderProgress({ state: 'running', reports: midSync, bytesPerSecond: 32 * MiB, barWidth: 10 });
    expect(line).toBe('[#####.....]  50% manifests 3/3  blobs 12/20  512 MiB/1.00 GiB  32.0 MiB/s  ETA 0:16');
  });

  it('writes the state instead of a bar for plain (non-terminal) lines', () => {
    const line = renderProgress({ state: 'running', reports: midSync, bytesPerSecond: null, barWidth: 0 });
    expect(line).toBe('running  50% manifests 3/3  blobs 12/20  512 MiB/1.00 GiB');
  });

  it('shows tags while listing, before any manifest is known', () => {
    const line = renderProgress({
      state: 'running',
      reports: [{ code: SYNC_PROGRESS.tags, done: 2, total: null }],
      bytesPerSecond: null,
      barWidth: 0,
    });
    expect(line).toBe('running tags 2');
  });

  it('counts the tags checked while their HEADs run', () => {
    const line = renderProgress({
      state: 'running',
      reports: [
        { code: SYNC_PROGRESS.tags, done: 50000, total: 50000 },
        { code: SYNC_PROGRESS.checked, done: 12500, total: 50000 },
      ],
      bytesPerSecond: null,
      barWidth: 0,
    });
    expect(line).toBe('running  25% tags checked 12500/50000');
  });

  it('says a waiting task waits for a worker', () => {
    expect(renderProgress({ state: 'waiting', reports: [], bytesPerSecond: null, barWidth: 4 })).toBe(
      '[....] waiting for a worker',
    );
    expect(renderProgress({ state: 'waiting', reports: [], bytesPerSecond: null, barWidth: 0 })).toBe(
      'waiting for a worker',
    );
  });

  it('drops rate and ETA once every byte is in', () => {
    const done = midSync.map((r) => ({ ...r, done: r.total! }));
    expect(renderProgress({ state: 'running', reports: done, bytesPerSecond: 5 * MiB, barWidth: 0 })).toBe(
      'running 100% manifests 3/3  blobs 20/20  1.00 GiB/1.00 GiB',
    );
  });

  it('still shows progress codes it does not know', () => {
    const line = renderProgress({
      state: 'running',
      reports: [{ code: 'orphans.removing.blobs', done: 4, total: 9 }],
      bytesPerSecond: null,
      barWidth: 0,
    });
    expect(line).toBe('running orphans.removing.blobs 4/9');
  });
});

describe('fractionDone', () => {
  it('prefers bytes, falls back to blobs, and is null with no totals', () => {
    expect(fractionDone(midSync)).toBe(0.5);
    expect(fractionDone([{ code: SYNC_PROGRESS.blobs, done: 1, total: 4 }])).toBe(0.25);
    expect(fractionDone([{ code: SYNC_PROGRESS.bytes, done: 0, total: 0 }])).toBeNull();
  });
});

describe('RateMeter', () => {
  it('measures over the recent window so an old burst does not hide a stall', () => {
    const meter = new RateMeter(10_000);
    expect(meter.rate()).toBeNull();
    meter.add(0, 0);
    meter.add(1_000, 100 * MiB);
    expect(meter.rate()).toBe(100 * MiB);
    for (let t = 2_000; t <= 20_000; t += 1_000) meter.add(t, 100 * MiB);
    expect(meter.rate()).toBe(0);
  });
});
