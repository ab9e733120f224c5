import { describe, expect, it } from 'vitest';
import { type ContentGraph, planModification, TagClashError } from './modify-plan';

// Fedora-like: index `40` over amd64 and arm64; both share the image blob and the empty config.
const graph: ContentGraph = {
  tags: new Map([
    ['t40', { name: '40', manifestId: 'idx' }],
    ['tAmd', { name: '40-amd64', manifestId: 'amd' }],
    ['tArm', { name: '40-arm64', manifestId: 'arm' }],
    ['tAmd2', { name: '40-amd64', manifestId: 'amd2' }],
    ['tArmAsAmd', { name: '40-amd64', manifestId: 'arm' }],
  ]),
  manifests: new Map([
    ['idx', { isIndex: true, children: ['amd', 'arm'], blobs: [] }],
    ['amd', { isIndex: false, children: [], blobs: ['cfg', 'kAmd', 'img'] }],
    ['arm', { isIndex: false, children: [], blobs: ['cfg', 'kArm', 'img'] }],
    ['amd2', { isIndex: false, children: [], blobs: ['cfg', 'kAmd2'] }],
  ]),
  blobs: new Set(['cfg', 'kAmd', 'kArm', 'img', 'kAmd2', 'loose']),
};
const full = new Set(['t40', 'tAmd', 'tArm', 'idx', 'amd', 'arm', 'cfg', 'kAmd', 'kArm', 'img']);
const empty = new Set<string>();
const plan = (input: Partial<Parameters<typeof planModification>[1]>) =>
  [...planModification(graph, { start: full, latest: full, add: [], remove: [], overwrite: true, ...input })].sort();

describe('modify plan', () => {
  it('adds a tag with its manifest and that manifest’s blobs', () => {
    expect(plan({ start: empty, latest: empty, add: ['tAmd'] })).toEqual(['amd', 'cfg', 'img', 'kAmd', 'tAmd']);
  });

  it('adds an index tag with the index, its children and their blobs', () => {
    expect(plan({ start: empty, latest: empty, add: ['t40'] })).toEqual(
      ['t40', 'idx', 'amd', 'arm', 'cfg', 'kAmd', 'kArm', 'img'].sort(),
    );
  });

  it('adds a lone blob or manifest without tagging anything', () => {
    expect(plan({ start: empty, latest: empty, add: ['loose', 'arm'] })).toEqual(
      ['arm', 'cfg', 'img', 'kArm', 'loose'].sort(),
    );
  });

  it('removes a tag alone while an index still lists its manifest', () => {
    expect(plan({ remove: ['tArm'] })).toEqual([...full].filter((id) => id !== 'tArm').sort());
  });

  it('removes an index tag with the children and blobs nothing else keeps', () => {
    // amd stays (tag 40-amd64 remains) with its blobs; arm and its own kernel go; shared blobs stay.
    expect(plan({ remove: ['t40', 'tArm'] })).toEqual(['amd', 'cfg', 'img', 'kAmd', 'tAmd']);
  });

  it('keeps a manifest a remaining tag points at, as pulp_container does', () => {
    expect(plan({ remove: ['amd', 'kAmd'] })).toEqual([...full].sort());
  });

  it('"*" empties the latest version’s content, also from a base version', () => {
    expect(plan({ remove: '*' })).toEqual([]);
    expect(plan({ start: new Set([...full, 'loose']), latest: full, remove: '*' })).toEqual(['loose']);
  });

  it('replaces a tag of the same name, keeping the old manifest (Pulp does not cascade that)', () => {
    const result = plan({ add: ['tAmd2'] });
    expect(result).toContain('tAmd2');
    expect(result).toContain('amd2');
    expect(result).toContain('kAmd2');
    expect(result).not.toContain('tAmd');
    expect(result).toContain('amd');
  });

  it('refuses replacing when overwrite is false, naming the tag', () => {
    expect(() => plan({ add: ['tAmd2'], overwrite: false })).toThrow(TagClashError);
    expect(() => plan({ add: ['tAmd2'], overwrite: false })).toThrow(/"40-amd64"/);
    // Removing the old tag in the same call is no clash.
    expect(plan({ add: ['tAmd2'], remove: ['tAmd'], overwrite: false })).toContain('tAmd2');
  });

  it('refuses two added tags of one name that point at different manifests', () => {
    expect(() => plan({ start: empty, latest: empty, add: ['tAmd', 'tArmAsAmd'] })).toThrow(
      /two tags named "40-amd64"/,
    );
  });

  it('adding what is there already changes nothing', () => {
    expect(plan({ add: ['t40', 'tAmd'] })).toEqual([...full].sort());
  });
});
