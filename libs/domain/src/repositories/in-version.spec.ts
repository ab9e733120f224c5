import { describe, expect, it } from 'vitest';
import { inVersion } from './in-version';

describe('inVersion', () => {
  it('holds a unit from the version that added it up to, not including, the one that removed it', () => {
    expect(inVersion('$2')).toBe('rc.version_added <= $2 AND (rc.version_removed IS NULL OR rc.version_removed > $2)');
  });

  it('names the row by the alias given, or by no alias at all', () => {
    expect(inVersion('v.number', 'l')).toBe(
      'l.version_added <= v.number AND (l.version_removed IS NULL OR l.version_removed > v.number)',
    );
    expect(inVersion(':n', '')).toBe('version_added <= :n AND (version_removed IS NULL OR version_removed > :n)');
  });
});
