import { certificatesFromPem, encodeX509SignatureLists } from '@app/security';
import type { X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CliError, UsageError } from '../cli-error';
import type { GroupDef } from './command.types';

const PATH = ['tls', 'firmware-cacerts'];

function readCertificates(files: string[]): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    let found: X509Certificate[];
    try {
      found = certificatesFromPem(text);
    } catch (error) {
      throw new CliError(`${file} holds a certificate that does not parse: ${(error as Error).message}`);
    }
    if (found.length === 0) throw new CliError(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    certificates.push(...found);
  }
  return certificates;
}

export const tlsGroup: GroupDef = {
  name: 'tls',
  summary: 'Trust material for UEFI HTTPS boot (works offline, needs no server)',
  commands: [
    {
      name: 'firmware-cacerts',
      summary: 'Write CA certificates as the EFI_SIGNATURE_LIST UEFI firmware enrolls',
      description:
        'The output is what OVMF reads from fw_cfg etc/edk2/https/cacerts (qemu -fw_cfg name=etc/edk2/https/cacerts,file=FILE) ' +
        'and what a BMC enrolls as HTTPS boot certificates: one EFI_CERT_X509 entry per certificate. ' +
        'Give the CA that issued the content app certificate (CONTENT_TLS_CERT), not the server certificate. ' +
        'With --der, exactly one certificate is written as plain DER instead.',
      options: {
        ca: { type: 'string', multiple: true, value: 'PEM', description: 'CA certificate file(s) in PEM; repeatable' },
        output: { type: 'string', short: 'o', value: 'FILE', description: 'Where to write (replaced atomically)' },
        der: { type: 'boolean', description: 'Write one certificate as DER instead of an EFI_SIGNATURE_LIST' },
      },
      async run(ctx, _args, values) {
        const files = (values.ca as string[] | undefined) ?? [];
        const output = values.output as string | undefined;
        if (files.length === 0) throw new UsageError('give at least one --ca PEM file', PATH);
        if (!output) throw new UsageError('give the output file with -o FILE', PATH);
        const certificates = readCertificates(files);
        if (values.der && certificates.length !== 1) {
          throw new UsageError(`--der writes exactly one certificate; the input holds ${certificates.length}`, PATH);
        }
        for (const cert of certificates) {
          // Firmware checks the chain, so a leaf here only works for that one server: worth a warning.
          if (!cert.ca) ctx.io.err(`warning: ${cert.subject.replace(/\n/g, ', ')} is not a CA certificate\n`);
          if (Date.parse(cert.validTo) < Date.now()) ctx.io.err(`warning: ${cert.subject} expired ${cert.validTo}\n`);
        }
        const bytes = values.der ? certificates[0]!.raw : encodeX509SignatureLists(certificates.map((c) => c.raw));
        const temporary = `${output}.${process.pid}.tmp`;
        writeFileSync(temporary, bytes);
        renameSync(temporary, output);
        ctx.io.err(
          `wrote ${certificates.length} certificate(s), ${bytes.length} bytes, to ${output}` +
            `${values.der ? ' (DER)' : ' (EFI_SIGNATURE_LIST)'}\n`,
        );
      },
    },
  ],
};
