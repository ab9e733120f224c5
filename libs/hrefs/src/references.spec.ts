import { describe, expect, it } from 'vitest';
import { hrefs } from './hrefs';
import {
  type FlatKind,
  parseAnyPrn,
  parseContentReference,
  parseHref,
  parsePrn,
  parseReference,
  parseVersionHref,
  parseVersionReference,
  PRN_MODELS,
  prnOf,
} from './references';

const id = '0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11';
const FLAT_KINDS = Object.keys(PRN_MODELS).filter((kind) => kind !== 'version') as FlatKind[];

describe('prns', () => {
  it("have pulpcore's get_prn shape", () => {
    expect(prnOf('repository', id)).toBe(`prn:netboot.ocirepository:${id}`);
    expect(prnOf('remote', id)).toBe(`prn:netboot.ociremote:${id}`);
    expect(prnOf('version', id)).toBe(`prn:core.repositoryversion:${id}`);
    expect(prnOf('task', id)).toBe(`prn:core.task:${id}`);
    expect(prnOf('manifest', id)).toBe(`prn:netboot.manifest:${id}`);
    expect(prnOf('tag', id)).toBe(`prn:netboot.tag:${id}`);
  });

  it('round-trip, and refuse prns of another model or without a uuid', () => {
    expect(parsePrn('remote', prnOf('remote', id))).toBe(id);
    expect(parsePrn('remote', prnOf('repository', id))).toBeNull();
    expect(parsePrn('remote', 'prn:netboot.ociremote:123')).toBeNull();
    expect(parsePrn('remote', `prn:netboot.ociremote:${id}:x`)).toBeNull();
  });

  it('name their kind whatever the model', () => {
    for (const kind of Object.keys(PRN_MODELS) as (keyof typeof PRN_MODELS)[]) {
      expect(parseAnyPrn(prnOf(kind, id))).toEqual({ kind, id });
    }
    expect(parseAnyPrn(`prn:container.tag:${id}`)).toBeNull();
    expect(parseAnyPrn('prn:core.task:nope')).toBeNull();
    expect(parseAnyPrn(hrefs.task(id))).toBeNull();
  });
});

describe('hrefs', () => {
  it('round-trip every kind, and no other kind reads them', () => {
    for (const kind of FLAT_KINDS) {
      for (const other of FLAT_KINDS) {
        expect(parseHref(other, hrefs[kind](id))).toBe(other === kind ? id : null);
      }
    }
    expect(parseVersionHref(hrefs.version(id, 12))).toEqual({ repositoryId: id, number: 12 });
  });

  it('accept absolute URLs, as clients often echo them', () => {
    expect(parseHref('remote', `https://bootdepot.example.com${hrefs.remote(id)}`)).toBe(id);
    expect(parseVersionHref(`http://bootdepot.example.com:24817${hrefs.version(id, 2)}`)).toEqual({
      repositoryId: id,
      number: 2,
    });
  });

  it('refuse hrefs of another kind or shape', () => {
    expect(parseHref('remote', hrefs.repository(id))).toBeNull();
    expect(parseHref('remote', hrefs.remote(id).slice(0, -1))).toBeNull();
    expect(parseHref('remote', `${hrefs.remote(id)}../`)).toBeNull();
    expect(parseHref('tag', hrefs.tag(id.toUpperCase()))).toBeNull();
    expect(parseVersionHref(hrefs.versions(id))).toBeNull();
    expect(parseVersionHref(`${hrefs.versions(id)}-1/`)).toBeNull();
    expect(parseVersionHref(`${hrefs.versions(id)}1234567890/`)).toBeNull();
  });
});

describe('parseReference', () => {
  it('takes an href (relative or absolute) or a prn of the kind', () => {
    expect(parseReference('remote', hrefs.remote(id))).toBe(id);
    expect(parseReference('remote', `http://api.example${hrefs.remote(id)}`)).toBe(id);
    expect(parseReference('remote', prnOf('remote', id))).toBe(id);
    expect(parseReference('tag', hrefs.tag(id))).toBe(id);
    expect(parseReference('schedule', prnOf('schedule', id))).toBe(id);
    expect(parseReference('remote', hrefs.repository(id))).toBeNull();
    expect(parseReference('remote', id)).toBeNull();
  });

  it('tells version hrefs (repository + number) from version prns (its own id)', () => {
    expect(parseVersionReference(hrefs.version(id, 3))).toEqual({ repositoryId: id, number: 3 });
    expect(parseVersionReference(prnOf('version', id))).toEqual({ id });
    expect(parseVersionReference(prnOf('repository', id))).toBeNull();
    expect(parseVersionReference(prnOf('tag', id))).toBeNull();
    expect(parseVersionReference(hrefs.repository(id))).toBeNull();
  });
});

describe('parseContentReference', () => {
  it('reads hrefs and prns of every content kind', () => {
    expect(parseContentReference(hrefs.tag(id))).toEqual({ kind: 'tag', id });
    expect(parseContentReference(hrefs.manifest(id))).toEqual({ kind: 'manifest', id });
    expect(parseContentReference(hrefs.blob(id))).toEqual({ kind: 'blob', id });
    expect(parseContentReference(`http://bootdepot.example.com:24817${hrefs.blob(id)}`)).toEqual({
      kind: 'blob',
      id,
    });
    expect(parseContentReference(prnOf('tag', id))).toEqual({ kind: 'tag', id });
    expect(parseContentReference(prnOf('manifest', id))).toEqual({ kind: 'manifest', id });
    expect(parseContentReference(prnOf('blob', id))).toEqual({ kind: 'blob', id });
  });

  it('refuses other objects, other plugins and malformed references', () => {
    expect(parseContentReference(hrefs.repository(id))).toBeNull();
    expect(parseContentReference(hrefs.contentList('tag'))).toBeNull();
    expect(parseContentReference(`${hrefs.tag(id)}x/`)).toBeNull();
    expect(parseContentReference(hrefs.tag('not-a-uuid'))).toBeNull();
    expect(parseContentReference(`prn:container.tag:${id}`)).toBeNull();
    expect(parseContentReference(`prn:netboot.tag:${id}:extra`)).toBeNull();
    expect(parseContentReference('prn:netboot.tag:nope')).toBeNull();
    expect(parseContentReference(prnOf('version', id))).toBeNull();
    expect(parseContentReference(prnOf('repository', id))).toBeNull();
    expect(parseContentReference('*')).toBeNull();
  });
});
