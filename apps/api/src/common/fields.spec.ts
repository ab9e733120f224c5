import { describe, expect, it } from 'vitest';
import { selectFields } from './fields';

const version = {
  pulp_href: '/v/1/',
  prn: 'prn:core.repositoryversion:x',
  number: 1,
  content_summary: { added: { 'netboot.tag': { count: 1 } }, removed: {}, present: { 'netboot.tag': { count: 2 } } },
};

describe('selectFields', () => {
  it('keeps only the named fields and ignores names the object lacks, as Pulp does', () => {
    expect(selectFields(version, ['pulp_href', 'prn', 'bogus'], undefined)).toEqual({
      pulp_href: '/v/1/',
      prn: 'prn:core.repositoryversion:x',
    });
    expect(selectFields(version, ['bogus'], undefined)).toEqual({});
  });

  it('reaches into nested objects with dotted paths', () => {
    expect(selectFields(version, ['number', 'content_summary.added'], undefined)).toEqual({
      number: 1,
      content_summary: { added: { 'netboot.tag': { count: 1 } } },
    });
    expect(selectFields(version, undefined, ['content_summary.present', 'prn'])).toEqual({
      pulp_href: '/v/1/',
      number: 1,
      content_summary: { added: { 'netboot.tag': { count: 1 } }, removed: {} },
    });
  });

  it('lets a whole field win over a narrower path, in either order', () => {
    const whole = { content_summary: version.content_summary };
    expect(selectFields(version, ['content_summary.added', 'content_summary'], undefined)).toEqual(whole);
    expect(selectFields(version, ['content_summary', 'content_summary.added.x'], undefined)).toEqual(whole);
  });

  it('applies nested paths to every object of an array', () => {
    const manifest = {
      files: [
        { title: 'vmlinuz', size: 1 },
        { title: 'initrd.img', size: 2 },
      ],
      digest: 'd',
    };
    expect(selectFields(manifest, ['files.title'], undefined)).toEqual({
      files: [{ title: 'vmlinuz' }, { title: 'initrd.img' }],
    });
  });

  it('applies exclusions after inclusions and leaves the input alone', () => {
    const copy = structuredClone(version);
    expect(selectFields(version, ['pulp_href', 'prn'], ['prn'])).toEqual({ pulp_href: '/v/1/' });
    expect(version).toEqual(copy);
  });
});
