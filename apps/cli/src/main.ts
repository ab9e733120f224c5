#!/usr/bin/env node
import { runCli } from './cli';
import type { Io } from './commands/command.types';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stderrColumns: process.stderr.columns ?? 80,
  env: process.env,
  readStdin,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
  exit: (code) => process.exit(code),
};

runCli(process.argv.slice(2), io).then(
  // exitCode rather than exit(): lets stdout drain when it is a pipe.
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bootdepot: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
