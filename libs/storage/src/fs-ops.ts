import { open, rename, statfs, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * The few filesystem calls on the write path, injectable so tests can provoke ENOSPC or a tiny volume
 * without mounting one.
 */
export interface FsOps {
  open(path: string, flags: string, mode?: number): Promise<FileHandle>;
  /** Writes all of `data` at `position`. */
  write(handle: FileHandle, data: Uint8Array, position: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  statfs(path: string): Promise<{ bavail: number; blocks: number; bsize: number }>;
}

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  // A regular file normally takes the whole buffer, but short writes are legal.
  while (offset < data.byteLength) {
    const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset, position + offset);
    offset += bytesWritten;
  }
}

export const nodeFsOps: FsOps = {
  open: (path, flags, mode) => open(path, flags, mode),
  write: writeAll,
  rename,
  unlink,
  statfs: (path) => statfs(path),
};
