import { describe, expect, it } from 'vitest';
import { redactRequestUrl } from './log-redaction';

describe('redactRequestUrl', () => {
  it('masks grants, signatures and tokens but keeps the path and other parameters', () => {
    expect(redactRequestUrl('/pulp/content/priv/40/vmlinuz?grant=1796036560.vTWXabc')).toBe(
      '/pulp/content/priv/40/vmlinuz?grant=REDACTED',
    );
    expect(redactRequestUrl('/pulp/content/priv/?expires=1796036560&signature=abc&args=ip%3Ddhcp')).toBe(
      '/pulp/content/priv/?expires=1796036560&signature=REDACTED&args=ip%3Ddhcp',
    );
    expect(redactRequestUrl('/token?access_token=x&X-Amz-Signature=y&Grant=z')).toBe(
      '/token?access_token=REDACTED&X-Amz-Signature=REDACTED&Grant=REDACTED',
    );
    expect(redactRequestUrl('/pulp/content/fedora/40/vmlinuz')).toBe('/pulp/content/fedora/40/vmlinuz');
  });

  it('drops user-info from absolute URLs', () => {
    expect(redactRequestUrl('http://u:S3cr3t@host:5000/v2/?token=t')).toBe('http://host:5000/v2/?token=REDACTED');
  });
});
