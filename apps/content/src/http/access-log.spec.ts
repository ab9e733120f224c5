import { ClientAddressResolver, LineWriter } from '@app/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessLog } from './access-log';
import type { ContentResponse } from './content-response';

function answer(url: string, headers: Record<string, string> = {}, remoteAddress = '192.0.2.1', status = 200) {
  return {
    req: { method: 'GET', url, headers, socket: { remoteAddress } },
    statusCode: status,
    writableFinished: true,
    area: 'files',
  } as unknown as ContentResponse;
}

/** An access log writing to a text sink, as pino's own destinations and tests take lines. */
function setup() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info', base: { role: 'content', pid: 7 } },
    { write: (line: string) => lines.push(line) },
  );
  const log = new AccessLog(logger, new ClientAddressResolver([]));
  return {
    lines,
    log,
    logger,
    answer,
    parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** The same through a real LineWriter (what serving processes use): lines encoded straight into its batch. */
function withLineWriter(minLength = 64 * 1024) {
  const dir = mkdtempSync(join(tmpdir(), 'access-log-'));
  const file = join(dir, 'access.log');
  const writer = LineWriter.append(file, { minLength, flushMs: 60_000 });
  const logger = pino({ level: 'info', base: { role: 'content', pid: 7 } }, writer);
  const log = new AccessLog(logger, new ClientAddressResolver([]));
  return {
    log,
    writer,
    lines: () => {
      writer.flush();
      return readFileSync(file, 'utf8').split('\n').filter(Boolean);
    },
    remove: () => {
      writer.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Requests with everything a line can carry: redaction, escaping, non-ASCII, ranges, numbers of every shape. */
const VARIETY: Array<[ContentResponse, number, number]> = [
  [answer('/pulp/content/a/pxelinux.0', { 'user-agent': 'curl/8.5.0' }), 4242, 0.03],
  [answer('/pulp/content/a/pxelinux.0', { 'user-agent': 'curl/8.5.0' }), 4242, 12],
  [answer('/pulp/content/a/pxelinux.0', { 'user-agent': 'iPXE/1.21.1' }), 0, 0.5],
  [answer('/pulp/content/b/boot.ipxe?grant=1.secret&args=x', {}, '2001:db8::1', 403), 99, 1234.567],
  [answer('/pulp/content/ünï"\\/x', { 'user-agent': 'evil"agent ünïcødé', range: 'bytes=0-1' }), 7, 0.004],
  [answer('/pulp/content/a/initrd.img', { range: 'bytes=1-2, 5-' }, '192.0.2.1', 206), 1e12, 99999.999],
];

describe('AccessLog', () => {
  it('writes the line pino would, with credentials in the query redacted on every line', () => {
    const { log, parsed } = setup();
    const signed = '/pulp/content/private/boot.ipxe?grant=123.secret-signature&args=ip%3Ddhcp';
    log.write(answer(signed, { 'user-agent': 'iPXE/1.21.1' }), 4495, 0.03);
    log.write(answer(signed, { 'user-agent': 'iPXE/1.21.1' }), 4495, 0.02);
    log.write(answer('/pulp/content/dist/vmlinuz?token=bd_abc', {}, '198.51.100.9'), 10, 1);
    const [first, second, third] = parsed();
    expect(first).toMatchObject({
      level: 30,
      role: 'content',
      pid: 7,
      method: 'GET',
      url: '/pulp/content/private/boot.ipxe?grant=REDACTED&args=ip%3Ddhcp',
      status: 200,
      bytes: 4495,
      complete: true,
      ms: 0.03,
      client: '192.0.2.1',
      userAgent: 'iPXE/1.21.1',
      msg: 'access',
    });
    expect(second.url).toBe(first.url);
    expect(third).toMatchObject({ url: '/pulp/content/dist/vmlinuz?token=REDACTED', client: '198.51.100.9' });
    expect(third).not.toHaveProperty('userAgent');
    expect(JSON.stringify(parsed())).not.toContain('secret-signature');
  });

  it('is on for requests at info, for health probes at debug, and follows the logger when its level changes', () => {
    const { log, logger } = setup();
    expect([log.enabled('files'), log.enabled('health')]).toEqual([true, false]);
    logger.level = 'debug';
    expect([log.enabled('files'), log.enabled('health')]).toEqual([true, true]);
    logger.level = 'warn';
    expect([log.enabled('files'), log.enabled('health')]).toEqual([false, false]);
  });

  it("reads a connection's peer address once, and each connection's own", () => {
    const { log, parsed } = setup();
    const first = answer('/pulp/content/a', {}, '192.0.2.7');
    log.write(first, 1, 1);
    log.write(answer('/pulp/content/a', {}, '198.51.100.2'), 1, 1);
    // The same connection again, its socket now gone (node then reports no address): still the address it had.
    (first.req.socket as { remoteAddress?: string }).remoteAddress = undefined;
    log.write(first, 1, 1);
    expect(parsed().map((line) => line.client)).toEqual(['192.0.2.7', '198.51.100.2', '192.0.2.7']);
  });

  it('escapes what a client sends (quotes, backslashes, non-ASCII) into valid JSON', () => {
    const { log, parsed } = setup();
    const agent = 'evil"agent\\with "quotes" and ünïcødé';
    log.write(answer('/pulp/content/a"b', { 'user-agent': agent, range: 'bytes=0-1' }), 1, 1);
    const [line] = parsed();
    expect(line).toMatchObject({ url: '/pulp/content/a"b', userAgent: agent, range: 'bytes=0-1' });
  });

  describe('time', () => {
    afterEach(() => vi.useRealTimers());

    it('is the ISO time of the line to the millisecond, across milliseconds, seconds and days', () => {
      const { log, parsed } = setup();
      vi.useFakeTimers({ toFake: ['Date'] });
      const instants = [
        Date.UTC(2026, 10, 30, 23, 59, 58, 7),
        Date.UTC(2026, 10, 30, 23, 59, 58, 7),
        Date.UTC(2026, 10, 30, 23, 59, 58, 42),
        Date.UTC(2026, 10, 30, 23, 59, 58, 999),
        Date.UTC(2026, 10, 30, 23, 59, 59, 0),
        Date.UTC(2026, 11, 1, 0, 0, 0, 100),
        Date.UTC(2026, 11, 1, 0, 0, 0, 5),
      ];
      for (const instant of instants) {
        vi.setSystemTime(instant);
        log.write(answer('/pulp/content/a'), 1, 1);
      }
      expect(parsed().map((line) => line.time)).toEqual(instants.map((instant) => new Date(instant).toISOString()));
    });
  });

  it('prints numbers as JavaScript prints them: integers, and milliseconds rounded to two decimals', () => {
    const { log, parsed } = setup();
    for (const [res, bytes, ms] of VARIETY) log.write(res, bytes, ms);
    expect(parsed().map((line) => [line.status, line.bytes, line.ms])).toEqual(
      VARIETY.map(([res, bytes, ms]) => [res.statusCode, bytes, Math.round(ms * 100) / 100]),
    );
    expect(parsed()[4]).toMatchObject({ url: '/pulp/content/ünï"\\/x', userAgent: 'evil"agent ünïcødé' });
    expect(parsed()[3]).toMatchObject({
      url: '/pulp/content/b/boot.ipxe?grant=REDACTED&args=x',
      client: '2001:db8::1',
    });
  });

  it('encodes into a LineWriter exactly the lines it hands a text destination, batch after batch', () => {
    const text = setup();
    const bytes = withLineWriter(512);
    try {
      for (let round = 0; round < 40; round++)
        for (const [res, count, ms] of VARIETY) {
          text.log.write(res, count, ms);
          bytes.log.write(res, count, ms);
        }
      const written = bytes.lines();
      expect(written).toHaveLength(40 * VARIETY.length);
      // The time is read per line: compare everything else byte for byte.
      const untimed = (line: string) => line.replace(/"time":"[^"]+"/, '"time":""');
      expect(written.map(untimed)).toEqual(text.lines.map((line) => untimed(line.replace(/\n$/, ''))));
    } finally {
      bytes.remove();
    }
  });
});
