import { decodeSignatureLists, EFI_CERT_X509_GUID } from '@app/security';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import type { Io } from './command.types';

let dir: string;
let caA: string;
let caB: string;
let leaf: string;

function makeCert(name: string, ca: boolean): string {
  const crt = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      crt,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
    ],
    { stdio: 'ignore' },
  );
  return crt;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    stderrIsTTY: false,
    stderrColumns: 80,
    env: { HOME: dir },
    readStdin: async () => '',
    onInterrupt: () => () => undefined,
    exit: (code) => {
      throw new Error(`exit ${code}`);
    },
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

const der = (path: string) => new X509Certificate(readFileSync(path)).raw;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-tls-'));
  caA = makeCert('ca-a', true);
  caB = makeCert('ca-b', true);
  leaf = makeCert('server', false);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bootdepot tls firmware-cacerts', () => {
  it('writes every certificate of every --ca file as EFI_CERT_X509 entries, in order, offline', async () => {
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(caA, 'utf8') + readFileSync(caB, 'utf8'));
    const out = join(dir, 'cacerts.bin');
    const { code, err } = await cli(['tls', 'firmware-cacerts', '--ca', bundle, '--ca', caA, '-o', out]);
    expect(code).toBe(0);
    expect(err).toMatch(/wrote 3 certificate\(s\), \d+ bytes, to .*cacerts\.bin \(EFI_SIGNATURE_LIST\)/);
    const entries = decodeSignatureLists(readFileSync(out));
    expect(entries.map((e) => e.type)).toEqual([EFI_CERT_X509_GUID, EFI_CERT_X509_GUID, EFI_CERT_X509_GUID]);
    expect(entries.map((e) => e.data.equals(der([caA, caB, caA][entries.indexOf(e)]!)))).toEqual([true, true, true]);
  });

  it('writes one certificate as DER with --der, and refuses --der for several', async () => {
    const out = join(dir, 'ca.der');
    expect((await cli(['tls', 'firmware-cacerts', '--ca', caA, '--der', '-o', out])).code).toBe(0);
    expect(readFileSync(out).equals(der(caA))).toBe(true);
    const several = await cli(['tls', 'firmware-cacerts', '--ca', caA, '--ca', caB, '--der', '-o', out]);
    expect(several.code).toBe(2);
    expect(several.err).toContain('--der writes exactly one certificate; the input holds 2');
  });

  it('warns when a certificate is not a CA (firmware would trust only that one server)', async () => {
    const { code, err } = await cli(['tls', 'firmware-cacerts', '--ca', leaf, '-o', join(dir, 'leaf.bin')]);
    expect(code).toBe(0);
    expect(err).toMatch(/warning: CN=server is not a CA certificate/);
  });

  it('says what is wrong with the input instead of writing a broken file', async () => {
    const notPem = join(dir, 'key-only.pem');
    writeFileSync(notPem, readFileSync(join(dir, 'ca-a.key')));
    const out = join(dir, 'never.bin');
    const noCert = await cli(['tls', 'firmware-cacerts', '--ca', notPem, '-o', out]);
    expect(noCert.code).toBe(1);
    expect(noCert.err).toContain('holds no PEM certificate');
    const missing = await cli(['tls', 'firmware-cacerts', '--ca', join(dir, 'nope.pem'), '-o', out]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read');
    expect((await cli(['tls', 'firmware-cacerts', '-o', out])).code).toBe(2);
    expect((await cli(['tls', 'firmware-cacerts', '--ca', caA])).err).toContain('give the output file with -o FILE');
    expect(() => readFileSync(out)).toThrow();
  });
});
