// A boot storm in its own process (so the suite's event loop and timers stay honest): N clients, each
// fetching the kernel and the initrd over and over through the content replicas, round-robin, retrying a
// failed attempt on the next replica. Every completed body is hashed; a wrong digest is counted, never retried
// into a success. Plain ESM so it runs under bare `node` without the TypeScript toolchain.
import { createHash } from 'node:crypto';
import { Agent, get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** @type {{ targets: string[]; files: { path: string; digest: string; size: number }[]; clients: number; thinkMs: number; maxAttempts: number }} */
const config = JSON.parse(process.env.CHAOS_LOAD_CONFIG ?? '{}');

const counters = {
  served: 0,
  bytes: 0,
  attemptErrors: 0,
  failedDownloads: 0,
  corrupt: 0,
  byReplica: config.targets.map(() => 0),
  errorKinds: {},
};
let stopping = false;
let next = 0;
// One keep-alive pool per replica, as a PXE proxy or a fleet of iPXE clients behind one NAT would have.
const agents = config.targets.map(() => new Agent({ keepAlive: true, maxSockets: Infinity }));

// Redirects (CONTENT_REDIRECT=presigned) lead to the object store: one pool for it, one hop followed.
const redirectAgent = new Agent({ keepAlive: true, maxSockets: Infinity });

function attempt(target, file) {
  return fetchBody(`${config.targets[target]}${file.path}`, agents[target], 1);
}

function fetchBody(url, agent, redirects) {
  return new Promise((resolve) => {
    const req = get(url, { agent, timeout: 30_000 }, (res) => {
      if (res.statusCode === 302 && res.headers.location && redirects > 0) {
        res.resume();
        return resolve(fetchBody(new URL(res.headers.location, url).toString(), redirectAgent, redirects - 1));
      }
      if (res.statusCode !== 200) {
        res.resume();
        return resolve({ ok: false, kind: `http-${res.statusCode}` });
      }
      const hash = createHash('sha256');
      let length = 0;
      res.on('data', (chunk) => {
        hash.update(chunk);
        length += chunk.length;
      });
      res.on('end', () => resolve({ ok: true, length, digest: `sha256:${hash.digest('hex')}` }));
      res.on('error', (error) => resolve({ ok: false, kind: error.code ?? 'body-error' }));
      res.on('aborted', () => resolve({ ok: false, kind: 'aborted' }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error) => resolve({ ok: false, kind: error.code ?? 'request-error' }));
  });
}

async function download(file) {
  // Round-robin picks the first replica; a retry always moves to the next one, so a dead replica costs one
  // attempt, not a run of unlucky draws from a counter the other clients share.
  let target = next++ % config.targets.length;
  for (let tries = 0; tries < config.maxAttempts; tries++, target = (target + 1) % config.targets.length) {
    const result = await attempt(target, file);
    if (result.ok) {
      if (result.length < file.size) {
        // Cut short (the replica died mid-body): detectable by Content-Length, so retried like any error.
        result.ok = false;
        result.kind = 'truncated';
      } else if (result.digest !== file.digest) {
        // Full length but wrong bytes: what a booting host would have trusted, so never retried into a success.
        counters.corrupt++;
        counters.errorKinds.corrupt = (counters.errorKinds.corrupt ?? 0) + 1;
        return;
      }
    }
    if (result.ok) {
      counters.served++;
      counters.bytes += result.length;
      counters.byReplica[target]++;
      return;
    }
    counters.attemptErrors++;
    counters.errorKinds[result.kind] = (counters.errorKinds[result.kind] ?? 0) + 1;
    await sleep(Math.min(1000, 50 * 2 ** tries));
  }
  counters.failedDownloads++;
}

async function client(index) {
  // Spread the start so 200 clients do not arrive in one tick.
  await sleep((index * 997) % Math.max(1, config.thinkMs * 4));
  while (!stopping) {
    for (const file of config.files) await download(file);
    await sleep(config.thinkMs);
  }
}

process.on('message', (message) => {
  if (message === 'snapshot') process.send({ type: 'snapshot', counters });
  if (message === 'stop') {
    stopping = true;
  }
});
// The suite may die without telling us; never outlive it.
process.on('disconnect', () => process.exit(0));

const clients = Array.from({ length: config.clients }, (_, i) => client(i));
await Promise.all(clients);
process.send({ type: 'final', counters }, () => process.exit(0));
