import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './human-units';

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
