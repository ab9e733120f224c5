import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySource } from '../http/body-source';
import { ContentResponse } from '../http/content-response';
import { type EntityMeta, sendEntity } from '../http/entity.sender';
import { ReadyAnswers } from './ready-answers';

const body = Buffer.from('kernel bytes, small enough to live in memory\n');
const meta: EntityMeta = {
  size: body.length,
  etag: '"sha256:abc"',
  lastModified: new Date('2026-11-30T12:00:00Z'),
  contentType: 'application/octet-stream',
  cacheControl: 'public, max-age=30, must-revalidate',
};

let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

interface Answered {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

/**
 * A real server shaped like the content router: the kept answer first, else the full path (`sendEntity`) with a
 * keeper. `state.snapshot` stands for the resolver's snapshot; `state.full` counts requests that took the full path.
 */
async function serve() {
  const answers = new ReadyAnswers();
  const state = { snapshot: {} as object, full: 0 };
  server = createServer({ ServerResponse: ContentResponse }, (req, res) => {
    if (answers.answer(req, res, state.snapshot)) return;
    state.full++;
    void sendEntity(req, res, meta, () => new MemorySource(body), undefined, answers.keeper(req.url!, state.snapshot));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server!.address() as AddressInfo).port;
  const ask = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<Answered>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    });
  return { answers, state, ask };
}

/**
 * The header lines of an answer, minus the ones node:http adds per response, sorted: a kept answer sends
 * Content-Length after the other fields (HeaderBlock), and the order of different fields carries no meaning.
 */
function sentHeaders(answer: Answered): string[] {
  const lines: string[] = [];
  for (let i = 0; i < answer.rawHeaders.length; i += 2)
    if (!['date', 'connection', 'keep-alive'].includes(answer.rawHeaders[i].toLowerCase()))
      lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
  return lines.sort();
}

describe('ReadyAnswers', () => {
  it('answers a repeated request with the very answer the full path sent, headers and bytes', async () => {
    const { state, ask } = await serve();
    const first = await ask('/pulp/content/a/vmlinuz');
    const second = await ask('/pulp/content/a/vmlinuz');
    const third = await ask('/pulp/content/a/vmlinuz');
    expect(state.full).toBe(1);
    expect(sentHeaders(first)).toHaveLength(7);
    for (const answer of [second, third]) {
      expect(answer.status).toBe(200);
      expect(answer.body.equals(body)).toBe(true);
      expect(sentHeaders(answer)).toEqual(sentHeaders(first));
    }
    // The header ContentResponse adds goes out once, however often the kept list is sent.
    expect(sentHeaders(third).filter((line) => line.startsWith('X-Content-Type-Options'))).toEqual([
      'X-Content-Type-Options: nosniff',
    ]);
  });

  it('answers HEAD from a kept GET with the same headers and no body', async () => {
    const { state, ask } = await serve();
    const get = await ask('/f');
    const head = await ask('/f', {}, 'HEAD');
    expect(state.full).toBe(1);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(sentHeaders(head)).toEqual(sentHeaders(get));
  });

  it('sends conditional and ranged requests down the full path (304, 206), and keeps nothing from them', async () => {
    const { answers, state, ask } = await serve();
    expect((await ask('/f', { 'If-None-Match': meta.etag })).status).toBe(304);
    expect((await ask('/f', { Range: 'bytes=0-3' })).status).toBe(206);
    expect(answers.size).toBe(0);
    await ask('/f');
    expect(answers.size).toBe(1);
    expect((await ask('/f', { 'If-None-Match': meta.etag })).status).toBe(304);
    expect((await ask('/f', { 'If-Modified-Since': meta.lastModified!.toUTCString() })).status).toBe(304);
    const ranged = await ask('/f', { Range: 'bytes=0-3' });
    expect(ranged.status).toBe(206);
    expect(ranged.body.toString()).toBe('kern');
    expect(state.full).toBe(6);
  });

  it('keeps answers by the exact URL: another query string is another answer', async () => {
    const { answers, state, ask } = await serve();
    await ask('/f');
    await ask('/f?args=ip%3Ddhcp');
    await ask('/f?args=ip%3Ddhcp');
    expect(state.full).toBe(2);
    expect(answers.size).toBe(2);
  });

  it('drops every answer when the snapshot changes, and never keeps one built under an older snapshot', async () => {
    const { answers, state, ask } = await serve();
    await ask('/f');
    await ask('/f');
    expect(state.full).toBe(1);
    state.snapshot = {};
    await ask('/f');
    expect(state.full).toBe(2);
    expect(answers.size).toBe(1);
    // A keeper handed out under the previous snapshot keeps nothing once a newer one was seen.
    const stale = answers.keeper('/g', {});
    stale(['Content-Length', '1'], Buffer.from('x'));
    expect(answers.size).toBe(1);
  });

  it('stays within its bounds: past 4,096 answers or 16 MiB of bodies it starts over', () => {
    const answers = new ReadyAnswers();
    const snapshot = {};
    const answered = answers.answer({ url: '/' } as IncomingMessage, {} as ContentResponse, snapshot);
    expect(answered).toBe(false);
    for (let i = 0; i < 4096; i++) answers.keeper(`/f${i}`, snapshot)(['A', 'b'], Buffer.alloc(1));
    expect(answers.size).toBe(4096);
    answers.keeper('/one-more', snapshot)(['A', 'b'], Buffer.alloc(1));
    expect(answers.size).toBe(1);
    const big = Buffer.alloc(6 * 1024 * 1024);
    for (const url of ['/b1', '/b2']) answers.keeper(url, snapshot)(['A', 'b'], big);
    expect(answers.size).toBe(3);
    answers.keeper('/b3', snapshot)(['A', 'b'], big);
    expect(answers.size).toBe(1);
  });
});
