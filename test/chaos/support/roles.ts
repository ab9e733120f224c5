import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireFreshBuild } from '../../support/fresh-build';

const DIST = resolve(__dirname, '../../../dist/apps');

export type RoleKind = 'api' | 'content' | 'worker';

const MAIN: Record<RoleKind, string> = {
  api: `${DIST}/api/src/main.js`,
  content: `${DIST}/content/src/main.js`,
  worker: `${DIST}/worker/src/main.js`,
};

/**
 * One bootdepot process (`node dist/apps/<role>/src/main.js`) in a process group of its own, so a kill
 * reaches anything it forked. Its pid goes into `pidFile`, which the watchdog kills if the suite dies first.
 */
export class RoleProcess {
  child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** How many times it was started; log lines of each run are told apart by the banner. */
  starts = 0;

  constructor(
    readonly name: string,
    readonly kind: RoleKind,
    /** The HTTP port (API, content) or the worker's health port. */
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logPath: string,
    private readonly pidFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) return;
    requireFreshBuild(MAIN[this.kind]);
    this.starts++;
    appendFileSync(this.logPath, `\n=== start ${this.starts} at ${new Date().toISOString()} ===\n`);
    const out = openSync(this.logPath, 'a');
    const child = spawn(process.execPath, [MAIN[this.kind]], {
      env: this.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    appendFileSync(this.pidFile, `${child.pid}\n`);
    this.exited = new Promise((done) => child.once('exit', () => done()));
    await this.ready(timeoutMs);
  }

  /** Signals the whole process group and waits for the process to end. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child?.pid) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.child!.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  log(): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
  }

  private async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const banner = `=== start ${this.starts} at`;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.log().slice(-4000)}`);
      if (this.kind === 'worker') {
        const log = this.log();
        if (log.slice(log.lastIndexOf(banner)).includes('"msg":"worker started"')) return;
      } else {
        try {
          const res = await fetch(`${this.url}/healthz`);
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // not listening yet
        }
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.log().slice(-4000)}`);
  }
}

export { MAIN as ROLE_MAIN };
