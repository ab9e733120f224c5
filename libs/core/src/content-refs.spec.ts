import { describe, expect, it } from 'vitest';
import { parseContentRef, parseVersionRef, prns } from './content-refs';
import { hrefs } from './hrefs';

const id = '0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11';

describe('content references', () => {
  it('reads hrefs and PRNs of every content kind', () => {
    expect(parseContentRef(hrefs.tag(id))).toEqual({ kind: 'tag', id });
    expect(parseContentRef(hrefs.manifest(id))).toEqual({ kind: 'manifest', id });
    expect(parseContentRef(hrefs.blob(id))).toEqual({ kind: 'blob', id });
    expect(parseContentRef(`http://bootdepot.example.com:24817${hrefs.blob(id)}`)).toEqual({ kind: 'blob', id });
    expect(parseContentRef(prns.tag(id))).toEqual({ kind: 'tag', id });
    expect(parseContentRef(prns.manifest(id))).toEqual({ kind: 'manifest', id });
    expect(parseContentRef(prns.blob(id))).toEqual({ kind: 'blob', id });
  });

  it('refuses other objects, other plugins and malformed references', () => {
    expect(parseContentRef(hrefs.repository(id))).toBeNull();
    expect(parseContentRef(hrefs.contentList('tag'))).toBeNull();
    expect(parseContentRef(`${hrefs.tag(id)}x/`)).toBeNull();
    expect(parseContentRef(hrefs.tag('not-a-uuid'))).toBeNull();
    expect(parseContentRef(`prn:container.tag:${id}`)).toBeNull();
    expect(parseContentRef(`prn:netboot.tag:${id}:extra`)).toBeNull();
    expect(parseContentRef('prn:netboot.tag:nope')).toBeNull();
    expect(parseContentRef(prns.repositoryVersion(id))).toBeNull();
    expect(parseContentRef('*')).toBeNull();
  });

  it('reads a repository version by href (repository and number) or PRN (its id)', () => {
    expect(parseVersionRef(hrefs.version(id, 3))).toEqual({ repositoryId: id, number: 3 });
    expect(parseVersionRef(prns.repositoryVersion(id))).toEqual({ versionId: id });
    expect(parseVersionRef(prns.tag(id))).toBeNull();
    expect(parseVersionRef(hrefs.repository(id))).toBeNull();
  });
});
