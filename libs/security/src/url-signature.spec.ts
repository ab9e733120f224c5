import { describe, expect, it } from 'vitest';
import { UrlSigner } from './url-signature';

describe('UrlSigner', () => {
  const signer = new UrlSigner('a-secret-key-for-tests');
  const expires = Math.floor(Date.now() / 1000) + 60;

  it('accepts its own signature until it expires', () => {
    const signature = signer.sign('fedora', expires);
    expect(signer.verify('fedora', String(expires), signature)).toBe(true);
    expect(signer.verify('fedora', String(expires), signature, (expires + 1) * 1000)).toBe(false);
  });

  it('refuses another base path, a changed expiry, another key and junk', () => {
    const signature = signer.sign('fedora', expires);
    expect(signer.verify('centos', String(expires), signature)).toBe(false);
    expect(signer.verify('fedora', String(expires + 1), signature)).toBe(false);
    expect(new UrlSigner('another-secret-key').verify('fedora', String(expires), signature)).toBe(false);
    expect(signer.verify('fedora', 'soon', signature)).toBe(false);
    expect(signer.verify('fedora', null, null)).toBe(false);
  });
});
