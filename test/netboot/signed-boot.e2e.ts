import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignKeyPair, cosignPayload, pushCosignSignature } from '../support/signing';
import { BOOT_MARKER, buildInitrd, prepareNetbootBinaries } from './support/fixtures';
import { requireNetbootHost } from './support/host-deps';
import { bootVm, HARD_TIMEOUT_SECONDS } from './support/qemu';
import { type NetbootScenario, startNetbootScenario } from './support/scenario';

const KERNEL_ARGS = 'console=ttyS0 panic=-1 quiet';

/**
 * Issue 15 end to end: a remote with `signature_policy: require` and a distribution with `require_verified`. The
 * unsigned tag never reaches the distribution; a diskless machine still boots the signed one through iPXE.
 */
describe('network boot under require + require_verified (qemu, TCG)', () => {
  let scenario: NetbootScenario;
  let files: Record<string, Buffer>;
  const cosign = cosignKeyPair();
  const nonce = `signed-${randomBytes(6).toString('hex')}`;
  const logDir = join(tmpdir(), 'bootdepot-netboot-logs');

  beforeAll(async () => {
    requireNetbootHost();
    const binaries = prepareNetbootBinaries();
    mkdirSync(logDir, { recursive: true });
    files = { vmlinuz: readFileSync(binaries.vmlinuz), 'initrd.img': buildInitrd(binaries.busybox) };
    scenario = await startNetbootScenario({
      kernelArgs: KERNEL_ARGS,
      remote: { signature_policy: 'require', signature_keys: [cosign.publicPem] },
      distribution: { require_verified: true },
    });
    const host = new URL(scenario.registry.url).host;
    // Other bytes than the signed one: the same manifest would be signed by the signature of the other tag.
    await scenario.publish('12-unsigned', { ...files, 'note.txt': Buffer.from('not signed') });
    await scenario.publish('12-signed', files, async (digest) => {
      await pushCosignSignature(
        scenario.registry.url,
        scenario.upstream,
        digest,
        cosignPayload(`${host}/${scenario.upstream}:12-signed`, digest),
        cosign.privateKey,
      );
    });
  }, 600_000);

  afterAll(async () => {
    await scenario?.stop();
  });

  it('keeps the unsigned tag out of the distribution', async () => {
    expect((await fetch(`${scenario.hostRoot}/12-unsigned/boot.ipxe`)).status).toBe(404);
    expect((await fetch(`${scenario.hostRoot}/12-signed/boot.ipxe`)).status).toBe(200);
  });

  it(
    'boots the signed tag by BIOS + iPXE and prints the nonce',
    async () => {
      const result = await bootVm({
        mode: 'bios-ipxe',
        bootUrl: `${scenario.guestRoot}/12-signed/boot.ipxe?args=bootdepot.nonce=${nonce}`,
        expectLine: `${BOOT_MARKER} nonce=${nonce}`,
        logPath: join(logDir, 'signed-bios-ipxe.log'),
      });
      expect(result.ok, result.reason).toBe(true);
    },
    (HARD_TIMEOUT_SECONDS + 30) * 1000,
  );
});
