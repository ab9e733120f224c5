import { describe, expect, it } from 'vitest';
import { VersionTagCursors } from './version-tag-cursors';

describe('VersionTagCursors', () => {
  it('knows where the page after a full page starts, per version and order', () => {
    const cursors = new VersionTagCursors();
    cursors.served('v1', false, 0, 3, ['a', 'b', 'c']);
    expect(cursors.before('v1', false, 3)).toBe('c');
    expect(cursors.before('v1', true, 3)).toBeUndefined();
    expect(cursors.before('v2', false, 3)).toBeUndefined();
    expect(cursors.before('v1', false, 0)).toBeUndefined();
  });

  it('learns nothing from a short page (the last one) or an empty one', () => {
    const cursors = new VersionTagCursors();
    cursors.served('v1', false, 6, 3, ['x']);
    cursors.served('v1', false, 9, 3, []);
    expect(cursors.before('v1', false, 7)).toBeUndefined();
    expect(cursors.before('v1', false, 9)).toBeUndefined();
  });

  it('forgets the coldest entries beyond its size', () => {
    const cursors = new VersionTagCursors(2);
    cursors.served('v', false, 0, 1, ['a']);
    cursors.served('v', false, 1, 1, ['b']);
    cursors.served('v', false, 2, 1, ['c']);
    expect(cursors.before('v', false, 1)).toBeUndefined();
    expect(cursors.before('v', false, 2)).toBe('b');
    expect(cursors.before('v', false, 3)).toBe('c');
  });
});
