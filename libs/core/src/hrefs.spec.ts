import { describe, expect, it } from 'vitest';
import { hrefs, parseHref, parseVersionHref } from './hrefs';

const id = '0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11';

describe('hrefs', () => {
  it('round-trips every kind', () => {
    expect(parseHref('remote', hrefs.remote(id))).toBe(id);
    expect(parseHref('repository', hrefs.repository(id))).toBe(id);
    expect(parseHref('distribution', hrefs.distribution(id))).toBe(id);
    expect(parseHref('task', hrefs.task(id))).toBe(id);
    expect(parseVersionHref(hrefs.version(id, 12))).toEqual({ repositoryId: id, number: 12 });
  });

  it('accepts absolute URLs, as clients often echo them', () => {
    expect(parseHref('remote', `https://bootdepot.example.com${hrefs.remote(id)}`)).toBe(id);
  });

  it('refuses hrefs of another kind or shape', () => {
    expect(parseHref('remote', hrefs.repository(id))).toBeNull();
    expect(parseHref('remote', hrefs.remote(id).slice(0, -1))).toBeNull();
    expect(parseHref('remote', `${hrefs.remote(id)}../`)).toBeNull();
    expect(parseVersionHref(`${hrefs.versions(id)}-1/`)).toBeNull();
    expect(parseVersionHref(`${hrefs.versions(id)}1234567890/`)).toBeNull();
  });
});
