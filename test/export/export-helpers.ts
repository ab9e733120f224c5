import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  distributionsNetbootOciCreate,
  exportersNetbootPulpCreate,
  exportersNetbootPulpExportsCreate,
  exportersNetbootPulpExportsRead,
  importersNetbootPulpCreate,
  importersNetbootPulpImportsCreate,
} from '../../openapi/client/sdk.gen';
import type { ExportToc } from '@app/transfer';
import { idOf, type Stack, waitForTask } from '../support/stack';

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export async function createExporter(stack: Stack, path: string, repositories: string[]) {
  const { data } = await exportersNetbootPulpCreate({
    client: stack.client,
    body: { name: unique('exporter'), path, repositories },
    throwOnError: true,
  });
  return data.pulp_href;
}

/** Runs an export to the end; returns the export record (with its TOC) and the task. */
export async function runExport(
  stack: Stack,
  exporter: string,
  body: { versions: string[]; start_versions?: string[]; chunk_size?: string },
) {
  const { data } = await exportersNetbootPulpExportsCreate({
    client: stack.client,
    path: { id: idOf(exporter) },
    body,
    throwOnError: true,
  });
  const task = await waitForTask(stack, data.task);
  expect(task.error).toBeNull();
  const href = task.created_resources[0]!;
  const { data: record } = await exportersNetbootPulpExportsRead({
    client: stack.client,
    path: { id: idOf(exporter), export_id: idOf(href) },
    throwOnError: true,
  });
  return { task, record, toc: record.toc as unknown as ExportToc, tocPath: record.toc_info!.file };
}

/** Carries an export's TOC and tar files to another directory, as removable media would. */
export function carry(tocPath: string, to: string): string {
  mkdirSync(to, { recursive: true });
  const toc = JSON.parse(readFileSync(tocPath, 'utf8')) as ExportToc;
  for (const file of toc.files) copyFileSync(join(dirname(tocPath), file.name), join(to, file.name));
  copyFileSync(tocPath, join(to, basename(tocPath)));
  return join(to, basename(tocPath));
}

export async function createImporter(stack: Stack, repoMapping: Record<string, string>) {
  const { data } = await importersNetbootPulpCreate({
    client: stack.client,
    body: { name: unique('importer'), repo_mapping: repoMapping },
    throwOnError: true,
  });
  return data.pulp_href;
}

export async function runImport(stack: Stack, importer: string, toc: string) {
  const { data } = await importersNetbootPulpImportsCreate({
    client: stack.client,
    path: { id: idOf(importer) },
    body: { toc },
    throwOnError: true,
  });
  return waitForTask(stack, data.task);
}

export async function distribute(
  stack: Stack,
  basePath: string,
  repositoryId: string,
  options: { require_verified?: boolean } = {},
) {
  await distributionsNetbootOciCreate({
    client: stack.client,
    body: {
      name: unique('dist'),
      base_path: basePath,
      repository: `/pulp/api/v3/repositories/netboot/oci/${repositoryId}/`,
      ...options,
    },
    throwOnError: true,
  });
}

/** Every file and its size in the tar an export wrote, concatenated from its chunks. */
export function readTar(tocPath: string): Buffer {
  const toc = JSON.parse(readFileSync(tocPath, 'utf8')) as ExportToc;
  return Buffer.concat(toc.files.map((file) => readFileSync(join(dirname(tocPath), file.name))));
}

/** Writes `tar` back in the chunk sizes the TOC lists and rewrites the TOC's checksums to match (a forged export). */
export function rewriteTar(tocPath: string, tar: Buffer): void {
  const toc = JSON.parse(readFileSync(tocPath, 'utf8')) as ExportToc;
  let offset = 0;
  for (const file of toc.files) {
    const part = tar.subarray(offset, offset + file.size);
    offset += file.size;
    writeFileSync(join(dirname(tocPath), file.name), part);
    file.sha256 = createHash('sha256').update(part).digest('hex');
  }
  toc.meta.global_hash = createHash('sha256').update(tar).digest('hex');
  writeFileSync(tocPath, JSON.stringify(toc));
}
