import { describe, expect, it } from 'vitest';
import { AddressPolicy, DeniedAddressError } from './address.policy';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy(['127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10']);

  it('denies listed blocks, IPv4-mapped IPv6 spellings included, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '169.254.169.254', '::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(policy.isDenied(address), address).toBe(true);
    }
    for (const address of ['10.0.0.1', '8.8.8.8', '2001:db8::1', 'not-an-ip']) {
      expect(policy.isDenied(address), address).toBe(false);
    }
  });

  it('checks literal hosts, bracketed IPv6 too, and resolves names', async () => {
    expect(() => policy.assertLiteralAllowed('[::1]')).toThrow(DeniedAddressError);
    expect(() => policy.assertLiteralAllowed('169.254.169.254')).toThrow(/REMOTE_URL_DENY/);
    expect(() => policy.assertLiteralAllowed('registry.example')).not.toThrow();
    await expect(policy.resolveAllowed('localhost')).rejects.toThrow(DeniedAddressError);
    expect(new AddressPolicy([]).enabled).toBe(false);
  });
});
