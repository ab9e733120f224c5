import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, parseByteSize } from './human-units';

describe('formatBytes', () => {
  it('keeps small counts in bytes and scales larger ones to binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50.0 MiB');
    expect(formatBytes(700 * 1024 ** 3)).toBe('700 GiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.00 TiB');
  });
});

describe('formatDuration', () => {
  it('prints minutes:seconds, adding hours only when needed', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(-4)).toBe('0:00');
  });
});

describe('parseByteSize', () => {
  it('reads Pulp chunk sizes with binary multiples', () => {
    expect(parseByteSize('4GB')).toBe(4 * 1024 ** 3);
    expect(parseByteSize('512MB')).toBe(512 * 1024 ** 2);
    expect(parseByteSize('1.5 KiB')).toBe(1536);
    expect(parseByteSize('100')).toBe(100);
    expect(parseByteSize('100B')).toBe(100);
  });

  it('refuses what is not a size', () => {
    for (const bad of ['', 'GB', '-1MB', '4XB', '1e3', '4 GB extra']) expect(parseByteSize(bad)).toBeNull();
  });
});
