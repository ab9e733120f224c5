import { describe, expect, it } from 'vitest';
import { formatPlatform, matchesPlatforms, normalizeArch, parsePlatform, rpmArch } from './platform';

describe('platforms', () => {
  it('maps architecture aliases both ways', () => {
    expect(normalizeArch('x86_64')).toBe('amd64');
    expect(normalizeArch('aarch64')).toBe('arm64');
    expect(normalizeArch('ppc64le')).toBe('ppc64le');
    expect(rpmArch('amd64')).toBe('x86_64');
    expect(rpmArch('arm64')).toBe('aarch64');
    expect(rpmArch('x86_64')).toBe('x86_64');
    expect(rpmArch('s390x')).toBe('s390x');
  });

  it('parses and formats os/arch[/variant]', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(formatPlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(() => parsePlatform('amd64')).toThrow(/os\/arch/);
    expect(() => parsePlatform('linux/amd64/v1/x')).toThrow();
    expect(() => parsePlatform('linux/am d64')).toThrow();
  });

  it('matches filters with aliases, bare architectures and optional variants', () => {
    const amd64 = { os: 'linux', architecture: 'amd64', osVersion: 'fedora-40' };
    const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    expect(matchesPlatforms(amd64, [])).toBe(true);
    expect(matchesPlatforms(null, [])).toBe(true);
    expect(matchesPlatforms(null, ['linux/amd64'])).toBe(false);
    expect(matchesPlatforms(amd64, ['linux/x86_64'])).toBe(true);
    expect(matchesPlatforms(amd64, ['x86_64'])).toBe(true);
    expect(matchesPlatforms(amd64, ['linux/arm64'])).toBe(false);
    expect(matchesPlatforms(arm64, ['linux/aarch64'])).toBe(true);
    expect(matchesPlatforms(arm64, ['linux/arm64/v7'])).toBe(false);
    expect(matchesPlatforms(arm64, ['linux/amd64', 'linux/arm64/v8'])).toBe(true);
    expect(matchesPlatforms({ os: 'windows', architecture: 'amd64' }, ['linux/amd64'])).toBe(false);
  });
});
