import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOTDEPOT_OWNER_GUID,
  certificatesFromPem,
  decodeGuid,
  decodeSignatureLists,
  EFI_CERT_X509_GUID,
  encodeGuid,
  encodeX509SignatureLists,
} from './efi-signature-list';

/** Two real CA certificates of different lengths (RSA and EC), made with openssl for this run. */
let dir: string;
let rsaPem: string;
let ecPem: string;

function makeCa(name: string, keyArgs: string[]): string {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      ...keyArgs,
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(crt, 'utf8');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'efi-siglist-'));
  rsaPem = makeCa('rsa-ca', ['rsa:2048']);
  ecPem = makeCa('ec-ca', ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EFI GUID layout', () => {
  it('writes Data1..Data3 little-endian and Data4 as is (the bytes firmware compares)', () => {
    expect(encodeGuid(EFI_CERT_X509_GUID).toString('hex')).toBe('a159c0a5e494a74a87b5ab155c2bf072');
    expect(decodeGuid(encodeGuid(BOOTDEPOT_OWNER_GUID))).toBe(BOOTDEPOT_OWNER_GUID);
    expect(() => encodeGuid('not-a-guid')).toThrow(/not a GUID/);
  });
});

describe('EFI_SIGNATURE_LIST of X.509 CA certificates', () => {
  it('lays out one list per certificate: type, list size, header size 0, signature size, owner, DER', () => {
    const der = certificatesFromPem(rsaPem)[0]!.raw;
    const bytes = encodeX509SignatureLists([der]);
    expect(bytes.length).toBe(28 + 16 + der.length);
    expect(bytes.subarray(0, 16).toString('hex')).toBe('a159c0a5e494a74a87b5ab155c2bf072');
    expect(bytes.readUInt32LE(16)).toBe(bytes.length);
    expect(bytes.readUInt32LE(20)).toBe(0);
    expect(bytes.readUInt32LE(24)).toBe(16 + der.length);
    expect(decodeGuid(bytes.subarray(28, 44))).toBe(BOOTDEPOT_OWNER_GUID);
    expect(bytes.subarray(44).equals(der)).toBe(true);
  });

  it('keeps certificates of different lengths in separate lists that decode back to the same DER', () => {
    const certs = certificatesFromPem(rsaPem + ecPem);
    expect(certs.map((c) => c.subject)).toEqual(['CN=rsa-ca', 'CN=ec-ca']);
    expect(certs[0]!.raw.length).not.toBe(certs[1]!.raw.length);
    const bytes = encodeX509SignatureLists(certs.map((c) => c.raw));
    const entries = decodeSignatureLists(bytes);
    expect(entries.map((e) => e.type)).toEqual([EFI_CERT_X509_GUID, EFI_CERT_X509_GUID]);
    expect(entries.map((e) => e.data.equals(certs[entries.indexOf(e)]!.raw))).toEqual([true, true]);
    // The second list starts right where the first one's SignatureListSize says.
    expect(bytes.readUInt32LE(16)).toBe(28 + 16 + certs[0]!.raw.length);
  });

  it('decoding refuses truncated or inconsistent lists', () => {
    const bytes = encodeX509SignatureLists([certificatesFromPem(ecPem)[0]!.raw]);
    expect(() => decodeSignatureLists(bytes.subarray(0, 20))).toThrow(/truncated/);
    expect(() => decodeSignatureLists(bytes.subarray(0, bytes.length - 1))).toThrow(/claims/);
    const wrongSize = Buffer.from(bytes);
    wrongSize.writeUInt32LE(bytes.readUInt32LE(24) + 1, 24);
    expect(() => decodeSignatureLists(wrongSize)).toThrow(/does not divide/);
  });

  it('finds every certificate of a PEM bundle and nothing in other text', () => {
    expect(certificatesFromPem(`junk\n${rsaPem}\nmore junk\n${ecPem}`)).toHaveLength(2);
    expect(certificatesFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toHaveLength(0);
  });
});
