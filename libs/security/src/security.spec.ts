import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox, generateSecret, hashPassword, resolveSecretKey, verifyPassword } from './index';

describe('SecretBox', () => {
  it('round-trips and never stores the clear text', () => {
    const box = new SecretBox('a-key-of-sufficient-length');
    const sealed = box.seal('hunter2-password');
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2-password');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses ciphertext sealed under another key', () => {
    const sealed = new SecretBox('first-key-0123456789').seal('x');
    expect(() => new SecretBox('other-key-0123456789').open(sealed)).toThrow();
  });
});

describe('passwords', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsf', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('generates long random secrets', () => {
    expect(generateSecret()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecret()).not.toBe(generateSecret());
  });
});

describe('resolveSecretKey', () => {
  it('generates a key once into a 0600 file and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bootdepot-key-'));
    const messages: string[] = [];
    const first = resolveSecretKey({ secretKey: undefined, dataDir }, (m) => messages.push(m));
    const second = resolveSecretKey({ secretKey: undefined, dataDir }, (m) => messages.push(m));
    expect(second).toBe(first);
    expect(messages).toHaveLength(1);
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey({ secretKey: 'from-the-environment', dataDir }, () => undefined)).toBe(
      'from-the-environment',
    );
  });
});
