import { describe, expect, it } from 'vitest';
import { isNotModified } from './conditional';

describe('isNotModified', () => {
  const etag = '"sha256:abc"';
  const modified = new Date('2026-01-02T03:04:05.678Z');

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(isNotModified({ 'if-none-match': '"x", "sha256:abc"' }, etag, modified)).toBe(true);
    expect(isNotModified({ 'if-none-match': 'W/"sha256:abc"' }, etag, modified)).toBe(true);
    expect(isNotModified({ 'if-none-match': '*' }, etag, modified)).toBe(true);
    expect(isNotModified({ 'if-none-match': '"x"' }, etag, modified)).toBe(false);
  });

  it('lets If-None-Match win over If-Modified-Since', () => {
    const later = new Date(modified.getTime() + 60_000).toUTCString();
    expect(isNotModified({ 'if-none-match': '"x"', 'if-modified-since': later }, etag, modified)).toBe(false);
  });

  it('compares If-Modified-Since at whole seconds', () => {
    expect(isNotModified({ 'if-modified-since': modified.toUTCString() }, etag, modified)).toBe(true);
    expect(isNotModified({ 'if-modified-since': new Date(0).toUTCString() }, etag, modified)).toBe(false);
    expect(isNotModified({ 'if-modified-since': 'garbage' }, etag, modified)).toBe(false);
    expect(isNotModified({ 'if-modified-since': modified.toUTCString() }, etag, undefined)).toBe(false);
  });
});
