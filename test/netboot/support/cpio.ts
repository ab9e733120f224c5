import { gzipSync } from 'node:zlib';

/** One member of a newc archive; directories and device nodes carry no data. */
export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'char'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const hex8 = (value: number) => value.toString(16).padStart(8, '0');
const pad4 = (length: number) => Buffer.alloc((4 - (length % 4)) % 4);

function member(ino: number, path: string, mode: number, data: Buffer, rdev: [number, number] = [0, 0]): Buffer {
  const name = Buffer.from(`${path}\0`);
  // newc header: magic then 13 eight-digit hex fields (ino, mode, uid, gid, nlink, mtime, filesize,
  // devmajor, devminor, rdevmajor, rdevminor, namesize, check). mtime 0 keeps the archive reproducible.
  const fields = [ino, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], name.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`);
  return Buffer.concat([header, name, pad4(header.length + name.length), data, pad4(data.length)]);
}

/** A gzip'd newc cpio archive, the format the kernel unpacks as an initramfs (the `cpio` tool is not needed). */
export function buildInitramfs(entries: readonly CpioEntry[]): Buffer {
  const parts = entries.map((entry, i) => {
    const ino = i + 1;
    switch (entry.type) {
      case 'dir':
        return member(ino, entry.path, S_IFDIR | (entry.mode ?? 0o755), Buffer.alloc(0));
      case 'file':
        return member(ino, entry.path, S_IFREG | (entry.mode ?? 0o644), entry.data);
      case 'symlink':
        return member(ino, entry.path, S_IFLNK | 0o777, Buffer.from(entry.target));
      case 'char':
        return member(ino, entry.path, S_IFCHR | (entry.mode ?? 0o600), Buffer.alloc(0), [entry.major, entry.minor]);
    }
  });
  parts.push(member(0, 'TRAILER!!!', 0, Buffer.alloc(0)));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
