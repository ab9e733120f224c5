import { describe, expect, it } from 'vitest';
import { hrefs } from '@app/core';
import { parsePrn, parseReference, parseVersionReference, prnOf } from './references';

const id = '0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11';

describe('prns', () => {
  it("have pulpcore's get_prn shape", () => {
    expect(prnOf('repository', id)).toBe(`prn:netboot.ocirepository:${id}`);
    expect(prnOf('remote', id)).toBe(`prn:netboot.ociremote:${id}`);
    expect(prnOf('version', id)).toBe(`prn:core.repositoryversion:${id}`);
    expect(prnOf('task', id)).toBe(`prn:core.task:${id}`);
    expect(prnOf('manifest', id)).toBe(`prn:netboot.manifest:${id}`);
  });

  it('round-trip, and refuse prns of another model or without a uuid', () => {
    expect(parsePrn('remote', prnOf('remote', id))).toBe(id);
    expect(parsePrn('remote', prnOf('repository', id))).toBeNull();
    expect(parsePrn('remote', 'prn:netboot.ociremote:123')).toBeNull();
    expect(parsePrn('remote', `prn:netboot.ociremote:${id}:x`)).toBeNull();
  });
});

describe('parseReference', () => {
  it('takes an href (relative or absolute) or a prn of the kind', () => {
    expect(parseReference('remote', hrefs.remote(id))).toBe(id);
    expect(parseReference('remote', `http://api.example${hrefs.remote(id)}`)).toBe(id);
    expect(parseReference('remote', prnOf('remote', id))).toBe(id);
    expect(parseReference('tag', hrefs.tag(id))).toBe(id);
    expect(parseReference('remote', hrefs.repository(id))).toBeNull();
    expect(parseReference('remote', id)).toBeNull();
  });

  it('tells version hrefs (repository + number) from version prns (its own id)', () => {
    expect(parseVersionReference(hrefs.version(id, 3))).toEqual({ repositoryId: id, number: 3 });
    expect(parseVersionReference(prnOf('version', id))).toEqual({ id });
    expect(parseVersionReference(prnOf('repository', id))).toBeNull();
  });
});
