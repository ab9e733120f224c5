import { ClientAddressResolver } from '@app/core';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AccessLog } from './access-log';
import type { ContentResponse } from './content-response';

function setup() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info', base: { role: 'content', pid: 7 } },
    { write: (line: string) => lines.push(line) },
  );
  const log = new AccessLog(logger, new ClientAddressResolver([]));
  const answer = (url: string, headers: Record<string, string> = {}, remoteAddress = '192.0.2.1') =>
    ({
      req: { method: 'GET', url, headers, socket: { remoteAddress } },
      statusCode: 200,
      writableFinished: true,
      area: 'files',
    }) as unknown as ContentResponse;
  return { lines, log, answer, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('AccessLog', () => {
  it('writes the line pino would, with credentials in the query redacted on every line', () => {
    const { log, answer, parsed } = setup();
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

  it('escapes what a client sends (quotes, backslashes, non-ASCII) into valid JSON', () => {
    const { log, answer, parsed } = setup();
    const agent = 'evil"agent\\with "quotes" and ünïcødé';
    log.write(answer('/pulp/content/a"b', { 'user-agent': agent, range: 'bytes=0-1' }), 1, 1);
    const [line] = parsed();
    expect(line).toMatchObject({ url: '/pulp/content/a"b', userAgent: agent, range: 'bytes=0-1' });
  });
});
