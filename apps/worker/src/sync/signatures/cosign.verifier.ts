import { createHash, verify as verifySignature } from 'node:crypto';
import type { Digest } from '@app/oci';
import { RegistryError, type RegistryClient } from '@app/registry-client';
import type { TrustedKey } from '@app/security';
import { CLAIM_TYPES, checkClaim } from './signature-claim';
import { invalid, SIGNATURE_LIMITS, type SignatureVerdict, unsigned, verified } from './signature.types';

export const COSIGN_PAYLOAD_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** The artifact type cosign gives signatures it stores as OCI 1.1 referrers. */
export const COSIGN_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';

export type CosignClient = Pick<RegistryClient, 'getManifest' | 'openBlobStream' | 'listReferrers'>;

export interface CosignSource {
  client: CosignClient;
  upstreamName: string;
  keys: TrustedKey[];
  signal: AbortSignal;
  /** Given the `.sig` manifest whose signature verified, so the sync can mirror it with the content. */
  onVerifiedArtifact?: (artifact: SignatureArtifact) => void;
}

/** A signature manifest as fetched: the bytes its digest is over. */
export interface SignatureArtifact {
  digest: Digest;
  mediaType: string | undefined;
  raw: Buffer;
}

/** The tag cosign stores a manifest's signatures under: `sha256:<hex>` → `sha256-<hex>.sig`. */
export const cosignSignatureTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

interface SignatureLayer {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  annotations?: Record<string, unknown>;
}

/**
 * Cosign key-pair signatures: first the OCI 1.1 referrers of the manifest with cosign's signature artifact type,
 * then (a registry without the referrers API, such as distribution 2.8, or nothing valid there) the
 * `sha256-<hex>.sig` tag. Each simple-signing layer is a payload blob and its base64 signature in an annotation,
 * verified with Node's crypto (ECDSA or RSA over SHA-256 of the payload).
 */
export async function verifyCosign(digest: string, source: CosignSource): Promise<SignatureVerdict> {
  const fromReferrers = await verifyReferrers(digest, source);
  if (fromReferrers?.state === 'verified') return fromReferrers;
  let artifact: SignatureArtifact;
  try {
    const fetched = await source.client.getManifest(source.upstreamName, cosignSignatureTag(digest), {
      maxBytes: SIGNATURE_LIMITS.maxSignatureManifestBytes,
      signal: source.signal,
    });
    artifact = { digest: fetched.digest, mediaType: fetched.mediaType, raw: fetched.bytes };
  } catch (error) {
    source.signal.throwIfAborted();
    // A referrer that was found and refused says more than a missing tag.
    if (fromReferrers) return fromReferrers;
    if (error instanceof RegistryError && error.status === 404) return unsigned('no cosign signature tag');
    return unsigned(`cosign signature tag ${cosignSignatureTag(digest)}: ${(error as Error).message}`);
  }
  return checkArtifact(artifact, digest, source);
}

/** The referrers source: null when the registry has none (or none of cosign's type), else the best verdict. */
async function verifyReferrers(digest: string, source: CosignSource): Promise<SignatureVerdict | null> {
  let referrers;
  try {
    referrers = await source.client.listReferrers(source.upstreamName, digest as Digest, {
      artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE,
      signal: source.signal,
    });
  } catch {
    source.signal.throwIfAborted();
    // The tag schema is still there to try; the referrers answer is only a faster, newer way to the same thing.
    return null;
  }
  if (!referrers?.length) return null;
  let failure: SignatureVerdict | null = null;
  for (const referrer of referrers.slice(0, SIGNATURE_LIMITS.maxSignatures)) {
    if (!(referrer.size <= SIGNATURE_LIMITS.maxSignatureManifestBytes)) {
      failure = invalid(`cosign referrer ${referrer.digest} announces ${referrer.size} bytes; not downloaded`);
      continue;
    }
    let artifact: SignatureArtifact;
    try {
      const fetched = await source.client.getManifest(source.upstreamName, referrer.digest, {
        maxBytes: SIGNATURE_LIMITS.maxSignatureManifestBytes,
        signal: source.signal,
      });
      artifact = { digest: fetched.digest, mediaType: fetched.mediaType, raw: fetched.bytes };
    } catch (error) {
      source.signal.throwIfAborted();
      failure = invalid(`cosign referrer ${referrer.digest}: ${(error as Error).message}`);
      continue;
    }
    const outcome = await checkArtifact(artifact, digest, source);
    if (outcome.state === 'verified') return outcome;
    failure = outcome;
  }
  return failure;
}

/** A cosign signature manifest (from the tag or a referrer): the first payload that verifies wins. */
async function checkArtifact(artifact: SignatureArtifact, digest: string, source: CosignSource) {
  const keys = source.keys.filter((key) => key.kind === 'pem');
  let layers: SignatureLayer[];
  try {
    layers = (JSON.parse(artifact.raw.toString('utf8')) as { layers?: SignatureLayer[] }).layers ?? [];
    if (!Array.isArray(layers)) throw new Error('layers is not an array');
  } catch (error) {
    return invalid(`cosign signature manifest is not readable: ${(error as Error).message}`);
  }
  const candidates = layers
    .filter((layer) => layer?.mediaType === COSIGN_PAYLOAD_TYPE)
    .slice(0, SIGNATURE_LIMITS.maxSignatures);
  if (candidates.length === 0) return invalid('cosign signature manifest holds no simple-signing payload');
  let failure: SignatureVerdict | null = null;
  for (const layer of candidates) {
    const outcome = await checkLayer(layer, digest, keys, source);
    if (outcome.state === 'verified') {
      source.onVerifiedArtifact?.(artifact);
      return outcome;
    }
    failure = outcome;
  }
  return failure!;
}

async function checkLayer(
  layer: SignatureLayer,
  digest: string,
  keys: TrustedKey[],
  source: CosignSource,
): Promise<SignatureVerdict> {
  const signature = layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION];
  if (typeof signature !== 'string' || signature.length === 0)
    return invalid(`cosign payload has no ${COSIGN_SIGNATURE_ANNOTATION} annotation`);
  if (typeof layer.size !== 'number' || layer.size > SIGNATURE_LIMITS.maxSignatureBytes)
    return invalid(
      `cosign payload of ${String(layer.size)} bytes is over the ${SIGNATURE_LIMITS.maxSignatureBytes}-byte limit; not downloaded`,
    );
  if (typeof layer.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(layer.digest))
    return invalid('cosign payload has no sha256 digest');
  if (keys.length === 0) return invalid('cosign signature found, but the remote lists no PEM public key');
  let payload: Buffer;
  try {
    payload = await readSmallBlob(source, layer.digest as Digest, layer.size);
  } catch (error) {
    source.signal.throwIfAborted();
    return invalid(`cosign payload ${layer.digest}: ${(error as Error).message}`);
  }
  const bytes = Buffer.from(signature, 'base64');
  const signer = keys.find((key) => {
    try {
      return verifySignature('sha256', payload, key.key as import('node:crypto').KeyObject, bytes);
    } catch {
      return false;
    }
  });
  if (!signer) return invalid("cosign signature does not verify under any of the remote's PEM signature_keys");
  const reason = checkClaim(payload, { type: CLAIM_TYPES.cosign, digest, repository: source.upstreamName });
  if (reason) return invalid(`cosign: ${reason}`);
  return verified('cosign', signer.fingerprint);
}

/** Reads a blob the manifest declares small, refusing to read past its size and checking its digest. */
async function readSmallBlob(source: CosignSource, digest: Digest, size: number): Promise<Buffer> {
  const blob = await source.client.openBlobStream(source.upstreamName, digest, { signal: source.signal });
  const chunks: Buffer[] = [];
  let read = 0;
  try {
    for await (const chunk of blob.stream) {
      read += (chunk as Buffer).length;
      if (read > size) throw new Error(`larger than the ${size} bytes its descriptor declares`);
      chunks.push(chunk as Buffer);
    }
  } finally {
    blob.stream.destroy();
  }
  const body = Buffer.concat(chunks, read);
  const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if (actual !== digest) throw new Error(`body hashes to ${actual}`);
  return body;
}
