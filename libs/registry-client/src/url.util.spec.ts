import { describe, expect, it } from 'vitest';
import { assertReference, assertRepositoryName, redactUrl } from './url.util';

describe('redactUrl', () => {
  it('drops userinfo and masks signed query parameters', () => {
    expect(redactUrl('https://u:p@r.io/v2/x?X-Amz-Signature=abc&n=10')).toBe(
      'https://r.io/v2/x?X-Amz-Signature=REDACTED&n=10',
    );
  });
});

describe('name and reference checks', () => {
  it('accept OCI names and refuse path tricks', () => {
    expect(() => assertRepositoryName('pulp/fedora-kickstart-artifacts')).not.toThrow();
    expect(() => assertRepositoryName('../etc')).toThrow(/invalid repository name/);
    expect(() => assertRepositoryName('Foo')).toThrow();
    expect(() => assertReference('40-amd64')).not.toThrow();
    expect(() => assertReference(`sha256:${'a'.repeat(64)}`)).not.toThrow();
    expect(() => assertReference('a/b')).toThrow(/invalid tag or digest/);
  });
});
