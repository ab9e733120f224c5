import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throwaway PKI made with openssl for one test run: a CA and server certificates it issues, with the subject
 * alternative names a test asks for. RSA 2048 by default, which every UEFI TLS stack takes.
 */
export interface TestCa {
  name: string;
  cert: string;
  key: string;
  /** The CA certificate, PEM. */
  pem: string;
}

export interface ServerCertificate {
  cert: string;
  key: string;
  pem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestCa(dir: string, name: string): TestCa {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { name, cert, key, pem: readFileSync(cert, 'utf8') };
}

/**
 * A server certificate issued by `ca` for `sans` (`IP:10.213.0.1`, `DNS:localhost`), written as `<name>.crt`
 * (leaf then CA: a chain, as a real deployment's fullchain.pem) and `<name>.key`.
 */
export function issueServerCertificate(dir: string, ca: TestCa, name: string, sans: string[]): ServerCertificate {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const leaf = join(dir, `${name}.leaf.crt`);
  const ext = join(dir, `${name}.ext`);
  const cert = join(dir, `${name}.crt`);
  writeFileSync(
    ext,
    [
      `subjectAltName=${sans.join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-out',
      leaf,
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    dir,
  );
  const pem = readFileSync(leaf, 'utf8') + ca.pem;
  writeFileSync(cert, pem);
  return { cert, key, pem };
}
