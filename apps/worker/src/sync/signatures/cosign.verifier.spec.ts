import { generateKeyPairSync, sign } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Digest, sha256Digest } from '@app/oci';
import { RegistryError } from '@app/registry-client';
import { parseTrustedKeys } from '@app/security';
import { describe, expect, it } from 'vitest';
import { COSIGN_SIGNATURE_ARTIFACT_TYPE, type CosignClient, cosignSignatureTag, verifyCosign } from './cosign.verifier';
import { CLAIM_TYPES } from './signature-claim';

const subject = `sha256:${'a'.repeat(64)}` as Digest;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function signatureManifest(claimed: string): { raw: Buffer; digest: Digest; payload: Buffer } {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': 'registry.example/pulp/netboot:40' },
        image: { 'docker-manifest-digest': claimed },
        type: CLAIM_TYPES.cosign,
      },
      optional: null,
    }),
  );
  const raw = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          digest: sha256Digest(payload),
          size: payload.length,
          annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, privateKey).toString('base64') },
        },
      ],
    }),
  );
  return { raw, digest: sha256Digest(raw), payload };
}

/** An in-memory registry: manifests by reference, blobs by digest, and a referrers answer (null: no API). */
function registry(
  manifests: Map<string, Buffer>,
  blobs: Map<string, Buffer>,
  referrers: CosignClient['listReferrers'],
) {
  const requested: string[] = [];
  const client: CosignClient = {
    listReferrers: referrers,
    async getManifest(_name, ref) {
      requested.push(ref);
      const bytes = manifests.get(ref);
      if (!bytes)
        throw new RegistryError({
          method: 'GET',
          url: ref,
          status: 404,
          code: 'MANIFEST_UNKNOWN',
          detail: '',
          retryable: false,
        });
      return { digest: sha256Digest(bytes), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes };
    },
    async openBlobStream(_name, digest) {
      return { stream: Readable.from([blobs.get(digest)!]) } as Awaited<ReturnType<CosignClient['openBlobStream']>>;
    },
  };
  return { client, requested };
}

async function source(client: CosignClient, onVerifiedArtifact?: (a: { digest: Digest }) => void) {
  const { keys } = await parseTrustedKeys([publicKey.export({ type: 'spki', format: 'pem' }).toString()]);
  return { client, upstreamName: 'pulp/netboot', keys, signal: new AbortController().signal, onVerifiedArtifact };
}

describe('cosign verification sources', () => {
  it('verifies from the referrers API without asking for the .sig tag', async () => {
    const signature = signatureManifest(subject);
    const { client, requested } = registry(
      new Map([[signature.digest, signature.raw]]),
      new Map([[sha256Digest(signature.payload), signature.payload]]),
      async (_name, _digest, options) => {
        expect(options?.artifactType).toBe(COSIGN_SIGNATURE_ARTIFACT_TYPE);
        return [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: signature.digest,
            size: signature.raw.length,
            artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE,
          },
        ];
      },
    );
    const mirrored: Digest[] = [];
    const verdict = await verifyCosign(subject, await source(client, (a) => mirrored.push(a.digest)));
    expect(verdict).toMatchObject({ state: 'verified', kind: 'cosign' });
    expect(requested).toEqual([signature.digest]);
    expect(mirrored).toEqual([signature.digest]);
  });

  it('falls back to the .sig tag when the registry has no referrers API', async () => {
    const signature = signatureManifest(subject);
    const { client, requested } = registry(
      new Map([[cosignSignatureTag(subject), signature.raw]]),
      new Map([[sha256Digest(signature.payload), signature.payload]]),
      async () => null,
    );
    expect(await verifyCosign(subject, await source(client))).toMatchObject({ state: 'verified' });
    expect(requested).toEqual([cosignSignatureTag(subject)]);
  });

  it('keeps the reason of a refused referrer when there is no tag either, and never downloads a huge one', async () => {
    const { client, requested } = registry(new Map(), new Map(), async () => [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: subject,
        size: 1 << 30,
        artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE,
      },
    ]);
    const verdict = await verifyCosign(subject, await source(client));
    expect(verdict).toMatchObject({
      state: 'invalid',
      reason: expect.stringMatching(/announces 1073741824 bytes; not downloaded/),
    });
    expect(requested).toEqual([cosignSignatureTag(subject)]);
  });

  it('refuses a referrer signature for another digest, and then tries the tag', async () => {
    const other = signatureManifest(`sha256:${'b'.repeat(64)}`);
    const good = signatureManifest(subject);
    const { client } = registry(
      new Map([
        [other.digest, other.raw],
        [cosignSignatureTag(subject), good.raw],
      ]),
      new Map([
        [sha256Digest(other.payload), other.payload],
        [sha256Digest(good.payload), good.payload],
      ]),
      async () => [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: other.digest,
          size: other.raw.length,
          artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE,
        },
      ],
    );
    expect(await verifyCosign(subject, await source(client))).toMatchObject({ state: 'verified' });
  });
});
