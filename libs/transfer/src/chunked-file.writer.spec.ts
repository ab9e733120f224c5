import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkedFileWriter } from './chunked-file.writer';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('ChunkedFileWriter', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('cuts a stream into numbered files of at most chunkSize bytes, recording sizes and checksums', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-chunks-'));
    const data = randomBytes(10_000);
    const out = new ChunkedFileWriter(dir, 'x.tar', 4096);
    // Odd-sized writes, so chunk boundaries fall inside them.
    const parts = [data.subarray(0, 3000), data.subarray(3000, 9000), data.subarray(9000)];
    await pipeline(Readable.from(parts), out);
    expect(out.files.map((f) => [f.name, f.size])).toEqual([
      ['x.tar.0000', 4096],
      ['x.tar.0001', 4096],
      ['x.tar.0002', 1808],
    ]);
    const back = Buffer.concat(out.files.map((f) => readFileSync(join(dir, f.name))));
    expect(back.equals(data)).toBe(true);
    for (const f of out.files) expect(f.sha256).toBe(sha(readFileSync(join(dir, f.name))));
    expect(out.globalHash()).toBe(sha(data));
  });

  it('writes one file without a chunk size, and never overwrites an existing file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bootdepot-chunks-'));
    const out = new ChunkedFileWriter(dir, 'one.tar', null);
    await pipeline(Readable.from([Buffer.from('hello')]), out);
    expect(out.files).toEqual([{ name: 'one.tar', size: 5, sha256: sha(Buffer.from('hello')) }]);
    writeFileSync(join(dir, 'taken.tar'), 'x');
    await expect(
      pipeline(Readable.from([Buffer.from('y')]), new ChunkedFileWriter(dir, 'taken.tar', null)),
    ).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'taken.tar'), 'utf8')).toBe('x');
  });
});
