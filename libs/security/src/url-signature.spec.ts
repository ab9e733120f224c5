import { describe, expect, it } from 'vitest';
import { type GrantSubject, UrlSigner } from './url-signature';

describe('UrlSigner', () => {
  const signer = new UrlSigner('a-secret-key-for-tests');
  const expires = Math.floor(Date.now() / 1000) + 60;
  const fedora: GrantSubject = { id: '5b0e6a4c-0d7e-4a53-9d7e-1f0c2b3a4d5e', basePath: 'fedora', grantGeneration: 0 };

  it('accepts its own signature until it expires', () => {
    const signature = signer.sign(fedora, expires);
    expect(signer.verify(fedora, String(expires), signature)).toBe(true);
    expect(signer.verify(fedora, String(expires), signature, (expires + 1) * 1000)).toBe(false);
  });

  it('refuses another base path, a changed expiry, another key and junk', () => {
    const signature = signer.sign(fedora, expires);
    expect(signer.verify({ ...fedora, basePath: 'centos' }, String(expires), signature)).toBe(false);
    expect(signer.verify(fedora, String(expires + 1), signature)).toBe(false);
    expect(new UrlSigner('another-secret-key').verify(fedora, String(expires), signature)).toBe(false);
    expect(signer.verify(fedora, 'soon', signature)).toBe(false);
    expect(signer.verify(fedora, null, null)).toBe(false);
  });

  it('is bound to the distribution and its grant generation, not only to the path', () => {
    const signature = signer.sign(fedora, expires);
    const recreated = { ...fedora, id: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' };
    expect(signer.verify(recreated, String(expires), signature)).toBe(false);
    expect(signer.verify({ ...fedora, grantGeneration: 1 }, String(expires), signature)).toBe(false);
  });

  it.each(['0' + String(expires), '+' + String(expires), ` ${expires}`, `${expires}.0`, '1e10'])(
    'refuses the non-canonical expiry %j',
    (given) => {
      const signature = signer.sign(fedora, Number(given));
      expect(signer.verify(fedora, given, signature)).toBe(false);
    },
  );
});
