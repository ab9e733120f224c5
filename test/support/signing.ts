import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type Digest, MediaType, sha256Digest } from '@app/oci';
import { pushBlob, pushManifest } from './push';

const run = promisify(execFile);

/**
 * Signing fixtures made by real tools: a throwaway GNUPGHOME whose keys skopeo signs with (simple signing),
 * cosign-format signatures made with Node's crypto (this skopeo 1.9.3 cannot make a sigstore key pair), and
 * skopeo's policy.json verification as the independent judge of both.
 */
export class SigningLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'bootdepot-signing-'));
  readonly gnupgHome = join(this.dir, 'gnupg');
  readonly lookasideDir = join(this.dir, 'lookaside');
  private readonly registriesD = join(this.dir, 'registries.d');
  /** skopeo's message for the last fixture it rejected, for assertion messages. */
  lastRejection = '';

  constructor(private readonly registryHost: string) {
    mkdirSync(this.gnupgHome, { mode: 0o700 });
    mkdirSync(this.lookasideDir);
    mkdirSync(this.registriesD);
  }

  private gpg(args: string[]) {
    return run('gpg', ['--batch', '--homedir', this.gnupgHome, ...args], { encoding: 'utf8' });
  }

  /** A new ed25519 signing key; returns its fingerprint and ASCII-armored public key. */
  async gpgKey(name: string): Promise<{ fingerprint: string; armored: string }> {
    await this.gpg([
      '--passphrase',
      '',
      '--quick-gen-key',
      `${name} <${name}@bootdepot.test>`,
      'ed25519',
      'sign',
      'never',
    ]);
    const { stdout } = await this.gpg(['--with-colons', '--list-secret-keys', `${name}@bootdepot.test`]);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(stdout)![1]!;
    const armored = (await this.gpg(['--armor', '--export', fingerprint])).stdout;
    // gpgme starts gpg-agent lazily; the first signing through it can miss the key while it starts.
    await run('gpgconf', ['--homedir', this.gnupgHome, '--launch', 'gpg-agent']);
    return { fingerprint, armored };
  }

  private env() {
    return { ...process.env, GNUPGHOME: this.gnupgHome };
  }

  /** `skopeo copy --sign-by` of a tag onto itself: the manifest is unchanged, the signature lands in the lookaside dir. */
  async skopeoSignCopy(repo: string, tag: string, fingerprint: string): Promise<void> {
    writeFileSync(
      join(this.registriesD, 'staging.yaml'),
      `docker:\n  ${this.registryHost}:\n    lookaside-staging: file://${this.lookasideDir}\n`,
    );
    const ref = `docker://${this.registryHost}/${repo}:${tag}`;
    const policy = join(this.dir, 'accept.json');
    writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const args = ['copy', '--policy', policy, '--registries.d', this.registriesD, '--src-tls-verify=false'];
    args.push('--dest-tls-verify=false', '--sign-by', fingerprint, ref, ref);
    await run('skopeo', args, { env: this.env() });
  }

  /** `skopeo standalone-sign`: a simple signature over any manifest bytes claiming any reference (for attacks). */
  async standaloneSign(manifest: Buffer, reference: string, fingerprint: string): Promise<Buffer> {
    const manifestPath = join(this.dir, `m-${Date.now()}-${Math.random()}.json`);
    const out = `${manifestPath}.sig`;
    writeFileSync(manifestPath, manifest);
    await run('skopeo', ['standalone-sign', manifestPath, reference, fingerprint, '-o', out], { env: this.env() });
    return readFileSync(out);
  }

  /** Writes `signature-<n>` for a manifest into the lookaside store. */
  putLookaside(repo: string, digest: Digest, n: number, bytes: Buffer): void {
    const dir = join(this.lookasideDir, `${repo}@${digest.replace(':', '=')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `signature-${n}`), bytes);
  }

  /**
   * skopeo's verdict: `skopeo copy --policy` of the manifest by digest succeeds exactly when the policy accepts
   * its signatures. `simple` reads the lookaside store over HTTP, `cosign` the `.sig` tag (sigstore attachments).
   */
  async skopeoAccepts(
    kind: 'simple' | 'cosign',
    repo: string,
    digest: Digest,
    trusted: { publicKeyFile: string },
    lookasideUrl: string,
    /** Another registry serving the same content (bootdepot's /v2/), and the identity rule its policy uses. */
    at: { host: string; signedIdentity: Record<string, unknown> } = {
      host: this.registryHost,
      signedIdentity: { type: 'matchRepository' },
    },
  ): Promise<boolean> {
    const registriesD = join(this.dir, `verify-${kind}`);
    mkdirSync(registriesD, { recursive: true });
    writeFileSync(
      join(registriesD, 'verify.yaml'),
      `docker:\n  ${at.host}:\n    lookaside: ${lookasideUrl}\n    use-sigstore-attachments: true\n`,
    );
    const requirement =
      kind === 'simple'
        ? {
            type: 'signedBy',
            keyType: 'GPGKeys',
            keyPath: trusted.publicKeyFile,
            signedIdentity: at.signedIdentity,
          }
        : { type: 'sigstoreSigned', keyPath: trusted.publicKeyFile, signedIdentity: at.signedIdentity };
    const policy = join(registriesD, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({
        default: [{ type: 'reject' }],
        transports: { docker: { [`${at.host}/${repo}`]: [requirement] } },
      }),
    );
    const target = mkdtempSync(join(this.dir, 'copy-'));
    try {
      await run('skopeo', [
        '--command-timeout',
        '60s',
        'copy',
        // The policy is checked on reading the source; an oci: layout cannot hold the signatures themselves.
        '--remove-signatures',
        '--policy',
        policy,
        '--registries.d',
        registriesD,
        '--src-tls-verify=false',
        `docker://${at.host}/${repo}@${digest}`,
        `oci:${target}:x`,
      ]);
      return true;
    } catch (error) {
      this.lastRejection = (error as { stderr?: string }).stderr ?? String(error);
      return false;
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  }

  /** Exports an OpenPGP public key in binary form (skopeo's keyPath wants a keyring file). */
  async exportKeyring(fingerprint: string): Promise<string> {
    const file = join(this.dir, `${fingerprint}.gpg`);
    await this.gpg(['--output', file, '--export', fingerprint]);
    return file;
  }

  writeFile(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  async cleanup(): Promise<void> {
    await run('gpgconf', ['--homedir', this.gnupgHome, '--kill', 'all']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The cosign judge. Debian's skopeo 1.9.3 is built with sigstore disabled ("Debian-local change: sigstore
 * disabled"), and no cosign binary is packaged, so the cosign cross-check reads the `.sig` artifact here and
 * lets `openssl dgst -verify` (an independent implementation) decide on the signature math; the claim must name
 * the digest and the repository, and each payload's bytes must match its descriptor (size and digest).
 */
export async function opensslAcceptsCosign(
  registryUrl: string,
  repo: string,
  digest: Digest,
  publicKeyFile: string,
  dir: string,
): Promise<boolean> {
  const accept = 'application/vnd.oci.image.manifest.v1+json';
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${digest.replace(':', '-')}.sig`, {
    headers: { accept },
  });
  if (res.status !== 200) return false;
  const manifest = (await res.json()) as {
    layers: { mediaType: string; digest: Digest; size: number; annotations?: Record<string, string> }[];
  };
  for (const layer of manifest.layers) {
    if (layer.mediaType !== 'application/vnd.dev.cosign.simplesigning.v1+json') continue;
    const blob = Buffer.from(await (await fetch(`${registryUrl}/v2/${repo}/blobs/${layer.digest}`)).arrayBuffer());
    if (blob.length !== layer.size || sha256Digest(blob) !== layer.digest) continue;
    const payloadFile = join(dir, `payload-${Date.now()}-${Math.random()}`);
    writeFileSync(payloadFile, blob);
    writeFileSync(
      `${payloadFile}.sig`,
      Buffer.from(layer.annotations?.['dev.cosignproject.cosign/signature'] ?? '', 'base64'),
    );
    const signed = await run('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      publicKeyFile,
      '-signature',
      `${payloadFile}.sig`,
      payloadFile,
    ])
      .then(() => true)
      .catch(() => false);
    if (!signed) continue;
    const claim = JSON.parse(blob.toString()) as {
      critical: { identity: Record<string, string>; image: Record<string, string> };
    };
    const reference = claim.critical.identity['docker-reference'] ?? '';
    const named = reference.split('@')[0]!.replace(/:[^/:]+$/, '');
    if (claim.critical.image['docker-manifest-digest'] === digest && named.endsWith(`/${repo}`)) return true;
  }
  return false;
}

/** An ECDSA P-256 key pair, the kind `cosign generate-key-pair` makes. */
export function cosignKeyPair(): { privateKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The cosign payload: the simple-signing claim with cosign's type. */
export function cosignPayload(reference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/**
 * Pushes a cosign signature for `digest` at `sha256-<hex>.sig`, the way cosign lays it out: an OCI manifest with
 * one simple-signing layer per signature, the base64 signature in its annotation. `layerOverride` makes attacks.
 */
export async function pushCosignSignature(
  registryUrl: string,
  repo: string,
  digest: Digest,
  payload: Buffer,
  signer: KeyObject,
  layerOverride: Record<string, unknown> = {},
): Promise<void> {
  const signature = sign('sha256', payload, signer).toString('base64');
  const config = Buffer.from('{}');
  await pushBlob(registryUrl, repo, config);
  await pushBlob(registryUrl, repo, payload);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256Digest(config),
      size: config.length,
    },
    layers: [
      {
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        digest: sha256Digest(payload),
        size: payload.length,
        annotations: { 'dev.cosignproject.cosign/signature': signature },
        ...layerOverride,
      },
    ],
  };
  await pushManifest(registryUrl, repo, `${digest.replace(':', '-')}.sig`, manifest, MediaType.OciManifest);
}

/**
 * A lookaside store over HTTP (node:http) serving the lab's directory, with per-manifest misbehaviour:
 * `500` answers an error, `slow` waits before answering 404.
 */
export async function startLookaside(
  root: string,
  faults: Map<string, { kind: '500' } | { kind: 'slow'; ms: number }>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const fault = [...faults].find(([digest]) => path.includes(digest.replace(':', '=')))?.[1];
    void (async () => {
      if (fault?.kind === '500') {
        res.writeHead(500).end('lookaside is broken');
        return;
      }
      if (fault?.kind === 'slow') await sleep(fault.ms);
      if (res.destroyed) return;
      let body: Buffer;
      try {
        if (path.includes('..')) throw new Error('no');
        body = readFileSync(join(root, path));
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
