import type { Digest } from '@app/oci';
import type { BlobWriter, StorageDriver } from '@app/storage';
import { type ExportToc, parseTarMemberName } from '@app/transfer';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';

/** A tar member this format never writes, or one the TOC does not promise. */
export class ExportTarError extends Error {
  override name = 'ExportTarError';
}

export interface ReadTarOptions {
  storage: StorageDriver;
  signal: AbortSignal;
  /** Digests this read committed to storage (not those already there), for cleanup after a failure. */
  written: Digest[];
  onBytes(bytes: number): void;
  onBlob(): void;
}

/**
 * Reads the export tar: only regular files named `manifests/sha256/<hex>` or `blobs/sha256/<hex>` that the TOC
 * lists with exactly this size, each once. Blobs go through the storage driver's writer, which verifies the
 * digest before the blob becomes visible; manifests are kept in memory (their digest is checked when parsed).
 * Every unit the TOC lists must be found.
 */
export async function readExportTar(source: Readable, toc: ExportToc, options: ReadTarOptions) {
  const expected = {
    manifests: new Map(toc.content.manifests.map((m) => [m.digest, m.size])),
    blobs: new Map(toc.content.blobs.map((b) => [b.digest, b.size])),
  };
  const manifests = new Map<Digest, Buffer>();
  const blobs = new Set<Digest>();
  const extract = tarExtract();
  source.on('error', (error) => extract.destroy(error));
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      options.signal.throwIfAborted();
      const { name, type, size } = entry.header;
      if (type !== 'file')
        throw new ExportTarError(`tar member ${JSON.stringify(name)} is a ${type}; only regular files are allowed`);
      const member = parseTarMemberName(name);
      if (!member)
        throw new ExportTarError(`tar member ${JSON.stringify(name)} is not a name this export format writes`);
      const promised = expected[member.kind].get(member.digest);
      if (promised === undefined) throw new ExportTarError(`tar member ${name} is not listed in the TOC`);
      if (size !== promised) throw new ExportTarError(`tar member ${name} is ${size} bytes, the TOC says ${promised}`);
      const seen = member.kind === 'manifests' ? manifests.has(member.digest) : blobs.has(member.digest);
      if (seen) throw new ExportTarError(`tar member ${name} appears twice`);
      if (member.kind === 'manifests') {
        const parts: Buffer[] = [];
        for await (const chunk of entry) parts.push(chunk as Buffer);
        manifests.set(member.digest, Buffer.concat(parts));
      } else {
        await storeBlob(entry, member.digest, promised, options);
        blobs.add(member.digest);
        options.onBlob();
      }
    }
  } finally {
    source.unpipe(extract);
    source.destroy();
  }
  for (const kind of ['manifests', 'blobs'] as const) {
    const found = kind === 'manifests' ? manifests : blobs;
    for (const digest of expected[kind].keys())
      if (!found.has(digest))
        throw new ExportTarError(`the export tar lacks ${kind.slice(0, -1)} ${digest} that the TOC lists`);
  }
  return { manifests, blobs };
}

async function storeBlob(entry: AsyncIterable<unknown>, digest: Digest, size: number, options: ReadTarOptions) {
  if (await options.storage.stat(digest)) {
    // Already stored (an earlier import or sync): the chunk's sha256 vouched for these bytes; skip them.
    for await (const chunk of entry) options.onBytes((chunk as Buffer).length);
    return;
  }
  const writer: BlobWriter = await options.storage.createWriter(digest, { expectedSize: size });
  try {
    for await (const chunk of entry) {
      await writer.write(chunk as Buffer);
      options.onBytes((chunk as Buffer).length);
    }
    const result = await writer.commit();
    if (!result.alreadyExisted) options.written.push(digest);
  } catch (error) {
    await writer.abort();
    throw new ExportTarError(`blob ${digest}: ${(error as Error).message}`, { cause: error });
  }
}
