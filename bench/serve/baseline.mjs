#!/usr/bin/env node
// Node's own ceiling for the small-request phases: a bare node:http server answering fixed bodies from memory
// with exactly the headers bootdepot sent for them (captured by run.mjs). Whatever bootdepot costs above this
// server is the app's own work per request.
// Usage: node bench/serve/baseline.mjs SPEC.json PORT [PROCESSES]
//   SPEC.json: { "/path": { "headers": [name, value, …], "body": "<base64>" }, … }
// First, as the content app does: keeps V8's maps of process.nextTick's tick objects (apps/content/src/
// keep-tick-maps.ts). Without it a bare server that collects while idle falls into V8's slow state for good and is
// no ceiling at all (docs/BENCHMARKS.md: 40–45 µs of CPU per 4 KiB request instead of 24–29, below bootdepot's).
import '../../dist/apps/content/src/keep-tick-maps.js';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [specFile, port, processes = '1'] = process.argv.slice(2);

if (cluster.isPrimary && Number(processes) > 1) {
  // As the content app does with CONTENT_WORKERS > 1: every worker accepts from the shared socket.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < Number(processes); i++) cluster.fork();
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  const routes = new Map(
    Object.entries(JSON.parse(readFileSync(specFile, 'utf8'))).map(([path, { headers, body }]) => [
      path,
      { headers, body: Buffer.from(body, 'base64') },
    ]),
  );
  createServer((req, res) => {
    const route = routes.get(req.url);
    if (!route) {
      res.writeHead(404, ['Content-Length', '0']);
      res.end();
      return;
    }
    res.writeHead(200, route.headers);
    res.end(req.method === 'HEAD' ? undefined : route.body);
  }).listen(Number(port), '127.0.0.1');
  process.once('SIGTERM', () => process.exit(0));
  process.once('SIGINT', () => process.exit(0));
}
