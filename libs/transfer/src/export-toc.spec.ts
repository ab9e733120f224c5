import { describe, expect, it } from 'vitest';
import { EXPORT_FORMAT, parseExportToc, TocFormatError } from './export-toc';
import { parseTarMemberName, tarMemberName } from './tar-member';

const hex = 'a'.repeat(64);
const digest = `sha256:${hex}` as const;
const valid = () => ({
  format: EXPORT_FORMAT,
  created: '2026-11-30T12:00:00Z',
  meta: { file: 'e.tar', chunk_size: null, global_hash: hex },
  files: [{ name: 'e.tar', size: 10, sha256: hex }],
  content: {
    repositories: [{ name: 'fedora', version: 2, start_version: 1, tags: { '40': digest }, manifests: [digest] }],
    manifests: [{ digest, size: 5, media_type: 'application/vnd.oci.image.manifest.v1+json' }],
    blobs: [{ digest, size: 3 }],
    blob_bytes: 3,
    verdicts: [
      {
        digest,
        state: 'verified',
        kind: 'cosign',
        key_fingerprint: `sha256:${hex}`,
        reason: null,
        checked_at: '2026-11-30T11:00:00.000Z',
      },
    ],
  },
});

describe('parseExportToc', () => {
  it('reads what the exporter writes', () => {
    expect(parseExportToc(JSON.stringify(valid()))).toEqual(valid());
  });

  it.each([
    ['a file name with a directory', (t: any) => (t.files[0].name = '../x.tar'), 'plain file name'],
    ['an absolute file name', (t: any) => (t.files[0].name = '/etc/x'), 'plain file name'],
    ['a hidden file name', (t: any) => (t.files[0].name = '.x'), 'plain file name'],
    ['the same file twice', (t: any) => t.files.push(t.files[0]), 'twice'],
    ['no files', (t: any) => (t.files = []), 'must list'],
    ['a negative size', (t: any) => (t.files[0].size = -1), 'byte count'],
    ['a bad checksum', (t: any) => (t.files[0].sha256 = 'zz'), '64 hex'],
    ['a bad digest', (t: any) => (t.content.blobs[0].digest = 'md5:x'), 'sha256 digest'],
    ['a bad tag name', (t: any) => (t.content.repositories[0].tags = { '../x': digest }), 'invalid tag'],
    ['another format', (t: any) => (t.format = 'other'), 'format'],
    [
      'a verdict on a manifest no version lists',
      (t: any) => (t.content.verdicts[0].digest = `sha256:${'b'.repeat(64)}`),
      'not a manifest of an exported version',
    ],
    ['a verdict twice', (t: any) => t.content.verdicts.push(t.content.verdicts[0]), 'once'],
    ['an unknown verdict state', (t: any) => (t.content.verdicts[0].state = 'trusted'), 'state must be one of'],
    ['an unknown verdict kind', (t: any) => (t.content.verdicts[0].kind = 'pgp'), 'kind must be null or one of'],
    ['a verdict without a time', (t: any) => (t.content.verdicts[0].checked_at = 'yesterday'), 'ISO 8601'],
  ])('refuses %s', (_, mutate, message) => {
    const toc = valid();
    mutate(toc);
    expect(() => parseExportToc(JSON.stringify(toc))).toThrow(TocFormatError);
    expect(() => parseExportToc(JSON.stringify(toc))).toThrow(message);
  });

  it('reads an export written before verdicts were carried as one with none', () => {
    const toc: any = valid();
    delete toc.content.verdicts;
    expect(parseExportToc(JSON.stringify(toc)).content.verdicts).toEqual([]);
  });

  it('refuses what is not JSON', () => {
    expect(() => parseExportToc('{')).toThrow('not JSON');
  });
});

describe('tar member names', () => {
  it('round-trips the names the exporter writes', () => {
    expect(tarMemberName('blobs', digest)).toBe(`blobs/sha256/${hex}`);
    expect(parseTarMemberName(`manifests/sha256/${hex}`)).toEqual({ kind: 'manifests', digest });
  });

  it.each([
    `../blobs/sha256/${hex}`,
    `/blobs/sha256/${hex}`,
    `blobs/sha256/${hex}/x`,
    `./blobs/sha256/${hex}`,
    'blobs/sha256/AA',
    `other/sha256/${hex}`,
  ])('refuses %s', (name) => expect(parseTarMemberName(name)).toBeNull());
});
