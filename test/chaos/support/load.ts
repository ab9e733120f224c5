import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

export interface LoadFile {
  path: string;
  digest: string;
  size: number;
}

export interface LoadOptions {
  targets: string[];
  files: LoadFile[];
  clients: number;
  /** Pause between one client's kernel+initrd rounds: a boot storm, not a benchmark. */
  thinkMs: number;
  maxAttempts: number;
}

export interface LoadCounters {
  /** Downloads completed and digest-correct. */
  served: number;
  bytes: number;
  /** Attempts that failed (refused, reset, 5xx) and were retried. */
  attemptErrors: number;
  /** Downloads that failed every attempt. */
  failedDownloads: number;
  /** Completed downloads whose bytes did not match the digest: must stay 0. */
  corrupt: number;
  byReplica: number[];
  errorKinds: Record<string, number>;
}

/** The boot-storm clients, running in a child process; counters are read as snapshots and diffed per scenario. */
export class Load {
  private constructor(private readonly child: ChildProcess) {}

  static start(options: LoadOptions): Load {
    const child = fork(resolve(__dirname, 'load-client.mjs'), [], {
      env: { PATH: process.env.PATH ?? '', CHAOS_LOAD_CONFIG: JSON.stringify(options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    process.once('exit', () => child.kill('SIGKILL'));
    return new Load(child);
  }

  async snapshot(): Promise<LoadCounters> {
    const reply = once(this.child, 'message') as Promise<[{ counters: LoadCounters }]>;
    this.child.send('snapshot');
    const [message] = await reply;
    return message.counters;
  }

  /** Lets every client finish its current download, then returns the final counters. */
  async stop(): Promise<LoadCounters | undefined> {
    if (this.child.exitCode !== null || !this.child.connected) return undefined;
    const final = new Promise<LoadCounters | undefined>((done) => {
      this.child.on('message', (message: { type: string; counters: LoadCounters }) => {
        if (message.type === 'final') done(message.counters);
      });
      this.child.once('exit', () => done(undefined));
    });
    this.child.send('stop');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    try {
      return await final;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What happened between two snapshots. */
export function diff(after: LoadCounters, before: LoadCounters): LoadCounters {
  const kinds: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after.errorKinds)) {
    const delta = count - (before.errorKinds[kind] ?? 0);
    if (delta) kinds[kind] = delta;
  }
  return {
    served: after.served - before.served,
    bytes: after.bytes - before.bytes,
    attemptErrors: after.attemptErrors - before.attemptErrors,
    failedDownloads: after.failedDownloads - before.failedDownloads,
    corrupt: after.corrupt - before.corrupt,
    byReplica: after.byReplica.map((n, i) => n - (before.byReplica[i] ?? 0)),
    errorKinds: kinds,
  };
}
