import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { LineWriter } from './line-writer';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'line-writer-'));
  dirs.push(dir);
  return join(dir, 'log');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The writer as plain CommonJS, for child processes (it imports only node:fs). */
function compiledWriter(): string {
  const source = readFileSync(resolve(__dirname, 'line-writer.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const file = join(resolve(tempFile(), '..'), 'line-writer.js');
  writeFileSync(file, outputText);
  return file;
}

const lines = (count: number, prefix = 'line') =>
  Array.from({ length: count }, (_, i) => `{"n":${i},"msg":"${prefix} ${i} ünïcødé ✓"}\n`);

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LineWriter', () => {
  it('writes every line once, in order, in batches of at least minLength', async () => {
    const file = tempFile();
    const writer = LineWriter.append(file, { minLength: 4096, flushMs: 60_000 });
    const expected = lines(20_000);
    for (const line of expected) writer.write(line);
    // What is below minLength stays in memory until a flush.
    await until(() => readFileSync(file, 'utf8').split('\n').length > 19_000);
    writer.end();
    expect(readFileSync(file, 'utf8')).toBe(expected.join(''));
  });

  it('writes a quiet trickle after flushMs, and a line longer than a chunk whole', async () => {
    const file = tempFile();
    const writer = LineWriter.append(file, { minLength: 1 << 20, flushMs: 50 });
    writer.write('first\n');
    await until(() => readFileSync(file, 'utf8') === 'first\n');
    const long = `${'x'.repeat(100_000)}é\n`;
    writer.write(long);
    writer.write('after\n');
    await until(() => readFileSync(file, 'utf8').length > 100_000);
    writer.end();
    expect(readFileSync(file, 'utf8')).toBe(`first\n${long}after\n`);
  });

  it('writes on flush, then runs the callback', async () => {
    const file = tempFile();
    const writer = LineWriter.append(file, { minLength: 1 << 20, flushMs: 60_000 });
    writer.write('a\n');
    writer.write('b\n');
    await new Promise<void>((done) => writer.flush(() => done()));
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
    writer.end();
  });

  it('writes what is waiting when the process exits, exactly once', () => {
    const file = tempFile();
    const module = compiledWriter();
    const script = `
      const { LineWriter } = require(${JSON.stringify(module)});
      const w = LineWriter.append(${JSON.stringify(file)}, { minLength: 1024, flushMs: 60000 });
      for (let i = 0; i < 50000; i++) w.write('{"n":' + i + '}\\n');
      process.exit(0);
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const written = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(written).toEqual(Array.from({ length: 50000 }, (_, i) => `{"n":${i}}`));
  });

  it(
    'keeps lines while a non-blocking pipe is full (EAGAIN) without blocking, then writes them in order',
    { timeout: 20_000 },
    async () => {
      // A FIFO whose write end the child opens O_NONBLOCK (as a parent process may hand over stdout): nobody
      // reads for 400 ms, 40,000 lines do not fit the pipe's 64 KiB, and the child's timers must still run.
      const module = compiledWriter();
      const fifo = join(resolve(tempFile(), '..'), 'fifo');
      execFileSync('mkfifo', [fifo]);
      const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      const script = `
      const fs = require('node:fs');
      const { LineWriter } = require(${JSON.stringify(module)});
      const fd = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      const w = new LineWriter(fd, { minLength: 1024, flushMs: 20 });
      for (let i = 0; i < 40000; i++) w.write('{"n":' + i + '}\\n');
      setTimeout(() => process.stderr.write('alive\\n'), 50);
      const done = setInterval(() => { if (w.pending === 0) { clearInterval(done); w.end(); fs.closeSync(fd); } }, 20);
    `;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await new Promise((r) => setTimeout(r, 400));
      // The child ran its timer while the pipe was full: it never blocked in write.
      expect(stderr).toContain('alive');
      const reader = new Socket({ fd: readFd, readable: true, writable: false });
      const chunks: Buffer[] = [];
      reader.on('data', (chunk: Buffer) => chunks.push(chunk));
      const ended = new Promise((r) => reader.once('end', r));
      const code = await new Promise<number | null>((r) => child.on('close', (exitCode) => r(exitCode)));
      await ended;
      expect(code, stderr).toBe(0);
      const written = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
      expect(written).toEqual(Array.from({ length: 40000 }, (_, i) => `{"n":${i}}`));
    },
  );
});
