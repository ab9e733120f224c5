import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from './http.transport';
import { errorFromResponse, UPSTREAM_DETAIL_LIMIT } from './response.util';

function response(status: number, body: string): HttpResponse {
  return { statusCode: status, headers: {}, body: Readable.from([Buffer.from(body)]) } as unknown as HttpResponse;
}

describe('errorFromResponse', () => {
  const url = new URL('http://registry.example/v2/x/manifests/latest');

  it('caps what an upstream message contributes to the error, and keeps it on one line', async () => {
    const long = `${'internal detail '.repeat(500)}\nsecond line`;
    const oci = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: long }] });
    for (const body of [oci, long.slice(0, 150) + '\n\u001b[31mred']) {
      const error = await errorFromResponse(response(500, body), 'GET', url);
      expect(error.detail.length).toBeLessThanOrEqual(UPSTREAM_DETAIL_LIMIT + 1);
      expect(error.detail).not.toMatch(/[\n\u001b]/);
    }
  });

  it('keeps a short message whole', async () => {
    const error = await errorFromResponse(
      response(404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] })),
      'GET',
      url,
    );
    expect(error.detail).toBe('manifest unknown');
  });
});
