import { describe, expect, it } from 'vitest';
import { ApiError, describeApiError } from './api-error';

describe('describeApiError', () => {
  const options: Record<string, string> = { upstream_name: '--upstream-name' };

  it('prints the detail and one line per field message, naming the option behind the field', () => {
    const error = new ApiError(400, 'POST', 'http://x/r/', {
      detail: 'Invalid request: upstream_name: must not be empty; policy: must be one of immediate, on_demand',
      errors: { upstream_name: ['must not be empty'], policy: ['must be one of immediate, on_demand'] },
      correlation_id: 'c1',
    });
    expect(describeApiError(error, (f) => options[f])).toEqual([
      'error: Invalid request: upstream_name: must not be empty; policy: must be one of immediate, on_demand (HTTP 400)',
      '  --upstream-name (upstream_name): must not be empty',
      '  policy: must be one of immediate, on_demand',
    ]);
  });

  it('says how to log in on a 401 and quotes the correlation id of a server error', () => {
    expect(
      describeApiError(new ApiError(401, 'GET', 'http://x/', { detail: 'no credentials' }), () => undefined)[1],
    ).toMatch(/BOOTDEPOT_PASSWORD/);
    const lines = describeApiError(
      new ApiError(500, 'GET', 'http://x/', { detail: 'internal server error', correlation_id: 'abc' }),
      () => undefined,
    );
    expect(lines).toEqual(['error: internal server error (HTTP 500)', '  correlation id: abc']);
  });

  it('copes with a body that is not the API shape (a proxy in the way)', () => {
    expect(new ApiError(502, 'GET', 'http://x/a/', '<html>Bad Gateway</html>').detail).toBe('<html>Bad Gateway</html>');
    expect(new ApiError(404, 'GET', 'http://x/a/', undefined).detail).toBe('GET http://x/a/ answered HTTP 404');
  });
});
