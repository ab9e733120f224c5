import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMAT, type ExportToc } from '@app/transfer';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportersNetbootPulpCreate,
  exportersNetbootPulpExportsCreate,
  exportersNetbootPulpList,
  exportersNetbootPulpPartialUpdate,
  exportersNetbootPulpRead,
  importersNetbootPulpRead,
  importersNetbootPulpImportsCreate,
} from '../../openapi/client/sdk.gen';
import { idOf, type Stack, startStack, waitForTask } from '../support/stack';
import { createRepository } from '../sync/sync-helpers';
import { createExporter, createImporter, unique } from './export-helpers';

/** ALLOWED_EXPORT_PATHS / ALLOWED_IMPORT_PATHS, symlinks, `..`, and hostile tar files. */
let stack: Stack;
let root: string;
let exports: string;
let media: string;
let outside: string;
let repo: string;
let repoName: string;
let importer: string;

const repoHref = (id: string) => `/pulp/api/v3/repositories/netboot/oci/${id}/`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bootdepot-export-safety-'));
  exports = join(root, 'exports');
  media = join(root, 'media');
  outside = join(root, 'outside');
  for (const dir of [exports, media, outside]) mkdirSync(dir);
  symlinkSync(outside, join(exports, 'link'));
  symlinkSync(outside, join(media, 'link'));
  stack = await startStack({ env: { ALLOWED_EXPORT_PATHS: exports, ALLOWED_IMPORT_PATHS: media } });
  repo = await createRepository(stack);
  repoName = (await stack.sql<{ name: string }>('SELECT name FROM repositories WHERE id = $1', [repo]))[0]!.name;
  importer = await createImporter(stack, { [repoName]: repoHref(repo) });
});

afterAll(async () => {
  await stack?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function createExporterAt(path: string) {
  return exportersNetbootPulpCreate({ client: stack.client, body: { name: unique('exp'), path, repositories: [] } });
}

async function startImport(toc: string) {
  return importersNetbootPulpImportsCreate({ client: stack.client, path: { id: idOf(importer) }, body: { toc } });
}

/** A tar built member by member (names and types as given), written with a TOC whose checksums match it. */
async function hostileExport(
  dir: string,
  members: { name: string; type?: 'file' | 'symlink' | 'character-device'; data?: Buffer; linkname?: string }[],
  content: Partial<ExportToc['content']> = {},
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const tar = pack();
  const parts: Buffer[] = [];
  tar.on('data', (chunk: unknown) => void parts.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  for (const m of members) {
    if (m.type && m.type !== 'file') tar.entry({ name: m.name, type: m.type, linkname: m.linkname, size: 0 });
    else tar.entry({ name: m.name, size: m.data!.length }, m.data!);
  }
  tar.finalize();
  await ended;
  const bytes = Buffer.concat(parts);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'hostile.tar'), bytes);
  const toc: ExportToc = {
    format: EXPORT_FORMAT,
    created: new Date().toISOString(),
    meta: { file: 'hostile.tar', chunk_size: null, global_hash: sha256 },
    files: [{ name: 'hostile.tar', size: bytes.length, sha256 }],
    content: {
      repositories: [{ name: repoName, version: 1, start_version: null, tags: {}, manifests: [] }],
      manifests: [],
      blobs: [],
      blob_bytes: 0,
      verdicts: [],
      ...content,
    },
  };
  writeFileSync(join(dir, 'toc.json'), JSON.stringify(toc));
  return join(dir, 'toc.json');
}

describe('exporters and importers follow the API conventions', () => {
  it('has hrefs, prns, name filters, fields, and PATCH changes only the fields it names', async () => {
    const href = await createExporter(stack, join(exports, 'conventions'), [repoHref(repo)]);
    expect(href).toMatch(/^\/pulp\/api\/v3\/exporters\/netboot\/pulp\/[0-9a-f-]{36}\/$/);
    const { data: read } = await exportersNetbootPulpRead({
      client: stack.client,
      path: { id: idOf(href) },
      throwOnError: true,
    });
    expect(read.prn).toBe(`prn:core.pulpexporter:${idOf(href)}`);
    expect(read.last_export).toBeNull();
    const patched = await exportersNetbootPulpPartialUpdate({
      client: stack.client,
      path: { id: idOf(href) },
      body: { name: 'renamed-exporter' },
      throwOnError: true,
    });
    expect(patched.data).toMatchObject({ name: 'renamed-exporter', path: read.path, repositories: [repoHref(repo)] });
    const { data: page } = await exportersNetbootPulpList({
      client: stack.client,
      query: { name: 'renamed-exporter', fields: ['name', 'prn'] },
      throwOnError: true,
    });
    expect(page.results).toEqual([{ name: 'renamed-exporter', prn: read.prn }]);
    const { data: imp } = await importersNetbootPulpRead({
      client: stack.client,
      path: { id: idOf(importer) },
      throwOnError: true,
    });
    expect(imp.repo_mapping).toEqual({ [repoName]: repoHref(repo) });
    expect(imp.prn).toBe(`prn:core.pulpimporter:${idOf(importer)}`);
  });
});

describe('export paths', () => {
  it('accepts a directory under ALLOWED_EXPORT_PATHS, even one not created yet', async () => {
    const res = await createExporterAt(join(exports, 'new', 'site'));
    expect(res.response.status).toBe(201);
  });

  it.each([
    ['outside every allowed directory', () => '/etc/bootdepot'],
    ['escaping with ..', () => join(exports, '..', 'outside')],
    ['escaping through a symlink', () => join(exports, 'link', 'site')],
    ['relative', () => 'exports/site'],
  ])('refuses a path %s with a 400 on path', async (_, path) => {
    const res = await createExporterAt(path());
    expect(res.response.status).toBe(400);
    expect(Object.keys((res.error as { errors: Record<string, string[]> }).errors)).toEqual(['path']);
  });

  it('refuses the same on PATCH, leaving the exporter as it was', async () => {
    const href = await createExporter(stack, join(exports, 'patched'), []);
    const res = await exportersNetbootPulpPartialUpdate({
      client: stack.client,
      path: { id: idOf(href) },
      body: { path: join(exports, 'link') },
    });
    expect(res.response.status).toBe(400);
  });

  it('refuses versions of repositories the exporter does not export, and a bad chunk_size', async () => {
    const href = await createExporter(stack, join(exports, 'scoped'), []);
    const version = `${repoHref(repo)}versions/0/`;
    const res = await exportersNetbootPulpExportsCreate({
      client: stack.client,
      path: { id: idOf(href) },
      body: { versions: [version] },
    });
    expect(res.response.status).toBe(400);
    expect((res.error as { errors: Record<string, string[]> }).errors.versions).toBeDefined();
    const scoped = await createExporter(stack, join(exports, 'scoped2'), [repoHref(repo)]);
    const bad = await exportersNetbootPulpExportsCreate({
      client: stack.client,
      path: { id: idOf(scoped) },
      body: { versions: [version], chunk_size: '12' },
    });
    expect(bad.response.status).toBe(400);
    expect((bad.error as { errors: Record<string, string[]> }).errors.chunk_size).toBeDefined();
  });
});

describe('import paths and tar members', () => {
  it.each([
    ['outside every allowed directory', () => join(outside, 'toc.json')],
    ['escaping with ..', () => join(media, '..', 'outside', 'toc.json')],
    ['escaping through a symlink', () => join(media, 'link', 'toc.json')],
  ])('refuses a TOC %s with a 400 on toc', async (_, path) => {
    writeFileSync(join(outside, 'toc.json'), '{}');
    const res = await startImport(path());
    expect(res.response.status).toBe(400);
    expect(Object.keys((res.error as { errors: Record<string, string[]> }).errors)).toEqual(['toc']);
  });

  it('refuses a TOC that names a file outside its directory', async () => {
    const toc = await hostileExport(join(media, 'dotdot'), [{ name: 'x', data: Buffer.from('x') }]);
    const text = JSON.stringify({
      ...JSON.parse(readFileSync(toc, 'utf8')),
      files: [{ name: '../outside/hostile.tar', size: 1, sha256: '0'.repeat(64) }],
    });
    writeFileSync(toc, text);
    const res = await startImport(toc);
    expect(res.response.status).toBe(400);
    expect(JSON.stringify(res.error)).toContain('plain file name');
  });

  it.each([
    [
      'a traversal name',
      [{ name: '../../escaped', data: Buffer.from('evil') }],
      'is not a name this export format writes',
    ],
    [
      'an absolute name',
      [{ name: '/tmp/escaped', data: Buffer.from('evil') }],
      'is not a name this export format writes',
    ],
    [
      'a symlink',
      [{ name: `blobs/sha256/${'a'.repeat(64)}`, type: 'symlink' as const, linkname: '/etc/passwd' }],
      'only regular files are allowed',
    ],
    [
      'a device file',
      [{ name: `blobs/sha256/${'b'.repeat(64)}`, type: 'character-device' as const }],
      'only regular files are allowed',
    ],
    [
      'a member the TOC does not list',
      [{ name: `blobs/sha256/${'c'.repeat(64)}`, data: Buffer.from('x') }],
      'not listed in the TOC',
    ],
  ])('fails an import whose tar holds %s, storing nothing', async (label, members, message) => {
    const toc = await hostileExport(join(media, label.replace(/\W+/g, '-')), members);
    const res = await startImport(toc);
    expect(res.response.status).toBe(202);
    const task = await waitForTask(stack, res.data!.task);
    expect(task.state).toBe('failed');
    expect(task.error?.description).toContain(message);
    expect(existsSync(join(root, 'escaped'))).toBe(false);
    expect(existsSync('/tmp/escaped')).toBe(false);
    expect((await stack.sql('SELECT id FROM content')).length).toBe(0);
  });

  it('fails an import whose tar file is a symlink to a file outside, reading nothing from it', async () => {
    const toc = await hostileExport(join(media, 'symlinked'), [{ name: 'x', data: Buffer.from('x') }]);
    renameSync(join(media, 'symlinked', 'hostile.tar'), join(outside, 'hostile.tar'));
    symlinkSync(join(outside, 'hostile.tar'), join(media, 'symlinked', 'hostile.tar'));
    const task = await waitForTask(stack, (await startImport(toc)).data!.task);
    expect(task.state).toBe('failed');
    expect(task.error?.description).toContain('is not under ALLOWED_IMPORT_PATHS');
  });

  it('fails a member larger than the TOC promises', async () => {
    const data = Buffer.from('ten bytes!');
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}` as const;
    const toc = await hostileExport(join(media, 'oversized'), [{ name: `blobs/${digest.replace(':', '/')}`, data }], {
      blobs: [{ digest, size: 5 }],
      blob_bytes: 5,
    });
    const task = await waitForTask(stack, (await startImport(toc)).data!.task);
    expect(task.state).toBe('failed');
    expect(task.error?.description).toContain('is 10 bytes, the TOC says 5');
  });
});
