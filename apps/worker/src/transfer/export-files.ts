import { resolveAllowedPath, type ExportTocFile } from '@app/transfer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** An export file that is missing, of the wrong size, or whose sha256 is not what the TOC says. */
export class ExportFileError extends Error {
  override name = 'ExportFileError';
}

/** Reads a whole file, refusing one larger than `max` (a TOC is parsed in memory). */
export async function readBounded(path: string, max: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > max) throw new ExportFileError(`${path} is ${size} bytes, more than a TOC may be (${max})`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The real path of each file the TOC lists, checked before anything is read: inside the allowed directories, a
 * regular file, of the promised size, with the promised sha256. Throws naming the first file that is not.
 */
export async function verifyExportFiles(
  directory: string,
  files: readonly ExportTocFile[],
  allowed: readonly string[],
  onVerified: (bytes: number) => void,
): Promise<string[]> {
  const paths: string[] = [];
  for (const file of files) {
    const path = await resolveAllowedPath(join(directory, file.name), allowed, 'ALLOWED_IMPORT_PATHS');
    const info = await stat(path).catch(() => null);
    if (!info) throw new ExportFileError(`export file ${file.name} is missing from ${directory}`);
    if (!info.isFile()) throw new ExportFileError(`export file ${file.name} is not a regular file`);
    if (info.size !== file.size)
      throw new ExportFileError(`export file ${file.name} is ${info.size} bytes, the TOC says ${file.size}`);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const actual = hash.digest('hex');
    if (actual !== file.sha256)
      throw new ExportFileError(
        `export file ${file.name} is corrupt: its sha256 is ${actual}, the TOC says ${file.sha256}`,
      );
    paths.push(path);
    onVerified(file.size);
  }
  return paths;
}

/** The chunks read back to back as the one tar they were cut from. */
export function concatenated(paths: readonly string[]): Readable {
  return Readable.from(
    (async function* () {
      for (const path of paths) for await (const chunk of createReadStream(path)) yield chunk as Buffer;
    })(),
    { objectMode: false },
  );
}
