import { describe, expect, it } from 'vitest';
import { parseRequestPath } from './request-path';

describe('parseRequestPath', () => {
  const p = '/pulp/content/';
  it('splits and decodes segments and keeps the query', () => {
    const parsed = parseRequestPath('/pulp/content/fedora/40-amd64/images/pxeboot/vmlinuz?args=a%3Db', p);
    expect(parsed?.segments).toEqual(['fedora', '40-amd64', 'images', 'pxeboot', 'vmlinuz']);
    expect(parsed?.trailingSlash).toBe(false);
    expect(parsed?.query.get('args')).toBe('a=b');
    expect(parseRequestPath('/pulp/content/', p)).toMatchObject({ segments: [], trailingSlash: true });
    expect(parseRequestPath('/pulp/content/fedora/sha256%3Aab/', p)?.segments).toEqual(['fedora', 'sha256:ab']);
  });

  it.each([
    '/pulp/content/fedora/../etc/passwd',
    '/pulp/content/fedora/%2e%2e/x',
    '/pulp/content/fedora/%2E%2E%2Fx',
    '/pulp/content/fedora/..%2fx',
    '/pulp/content/fedora/%252e%252e/x',
    '/pulp/content/fedora/.%5c..',
    '/pulp/content/fedora//x',
    '/pulp/content/fedora/./x',
    '/pulp/content/fedora/%00',
    '/pulp/content/fedora/%zz',
    '/etc/passwd',
  ])('refuses %s', (url) => {
    expect(parseRequestPath(url, p)).toBeNull();
  });
});
