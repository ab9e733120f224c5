// Instructions per request of a server running under `valgrind --tool=callgrind` (bench/serve/run.mjs
// --instructions). callgrind counts instructions, not time: the count for one binary and one load does not move
// with the machine's speed or with whatever else it runs, which rates on a shared 2-core machine do (±30% from run
// to run here). What still moves it is the server's own time-driven work (timers, a snapshot reloaded once a
// minute, JIT compilation finishing in the background), so each server is warmed first and measured in several
// runs, and the lowest count is its figure; every run is reported.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const CALLGRIND = ['valgrind', '--quiet', '--tool=callgrind', '--smc-check=all-non-file'];

/** The wrapper that runs a server under callgrind, its dumps named `<prefix>.<pid>.out.<n>` in `dir`. */
export function callgrindWrapper(dir, prefix) {
  return [...CALLGRIND, `--callgrind-out-file=${join(dir, `${prefix}.%p.out`)}`];
}

/** `count` GET requests over `connections` keep-alive connections; rejects on anything but 200. */
async function load(url, count, connections = 8) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let left = count;
  const one = async () => {
    while (left-- > 0) {
      await new Promise((resolve, reject) => {
        get(url, { agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, one));
  } finally {
    agent.destroy();
  }
}

/** Waits for callgrind's next dump of `pid` in `dir` and returns its instruction total. */
async function nextDump(dir, prefix, pid, seen) {
  for (let i = 0; i < 600; i++) {
    const dumps = readdirSync(dir).filter((name) => name.startsWith(`${prefix}.${pid}.out.`) && !seen.has(name));
    for (const name of dumps) {
      const file = join(dir, name);
      const bytes = readFileSync(file);
      const total = /^(?:summary|totals): (\d+)/m.exec(bytes.toString('latin1'));
      // A dump is complete once it has its totals and stopped growing.
      if (total && statSync(file).size === bytes.length) {
        seen.add(name);
        return Number(total[1]);
      }
    }
    await sleep(100);
  }
  throw new Error(`no callgrind dump of ${pid} appeared in ${dir}`);
}

/**
 * Instructions per request of the server `pid` (running under `callgrindWrapper(dir, prefix)`) answering `url`:
 * `warm` requests unmeasured, then `runs` runs of `requests` each between a zeroing and a dump of the counters.
 */
export async function instructionsPerRequest({ dir, prefix, pid, url, warm = 60_000, runs = 6, requests = 4000 }) {
  // Dumps of an earlier measure of the same server are not this one's.
  const seen = new Set(readdirSync(dir).filter((name) => name.startsWith(`${prefix}.${pid}.out.`)));
  await load(url, warm);
  const perRequest = [];
  for (let i = 0; i < runs; i++) {
    execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
    await load(url, requests);
    execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
    perRequest.push(Math.round((await nextDump(dir, prefix, pid, seen)) / requests));
  }
  return { min: Math.min(...perRequest), runs: perRequest, requests, warm };
}
