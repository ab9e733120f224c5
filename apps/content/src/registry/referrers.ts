import type { ManifestView, VersionView } from '../resolve/content-views';

/** The artifact type cosign gives its signatures when it stores them as OCI 1.1 referrers. */
export const COSIGN_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType: string;
  annotations?: Record<string, string>;
}

interface ManifestBody {
  artifactType?: unknown;
  config?: { mediaType?: unknown };
  subject?: { digest?: unknown };
  annotations?: Record<string, string>;
}

function bodyOf(manifest: ManifestView): ManifestBody | null {
  try {
    return JSON.parse(manifest.raw.toString('utf8')) as ManifestBody;
  } catch {
    return null;
  }
}

function describe(manifest: ManifestView, body: ManifestBody, artifactType: string): Descriptor {
  const descriptor: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.raw.length,
    artifactType,
  };
  if (body.annotations && Object.keys(body.annotations).length) descriptor.annotations = body.annotations;
  return descriptor;
}

/**
 * The OCI referrers of `digest` in a version: manifests whose `subject` names it (their artifactType, else their
 * config's media type, as the distribution spec says), and the cosign signature stored at the tag
 * `sha256-<hex>.sig`, which bootdepot lists with cosign's signature artifact type so that a client asking the
 * referrers API finds the signatures whichever scheme they were synced from.
 */
export function referrersOf(version: VersionView | null, digest: string, artifactType: string | null): Descriptor[] {
  if (!version) return [];
  const found = new Map<string, Descriptor>();
  const signature = version.tags.get(`${digest.replace(':', '-')}.sig`);
  if (signature) {
    const body = bodyOf(signature);
    if (body) found.set(signature.digest, describe(signature, body, COSIGN_SIGNATURE_ARTIFACT_TYPE));
  }
  for (const manifest of version.manifestsById.values()) {
    // Cheap test first: most manifests have no subject at all.
    if (found.has(manifest.digest) || !manifest.raw.includes('"subject"')) continue;
    const body = bodyOf(manifest);
    if (body?.subject?.digest !== digest) continue;
    const type =
      typeof body.artifactType === 'string'
        ? body.artifactType
        : typeof body.config?.mediaType === 'string'
          ? body.config.mediaType
          : manifest.mediaType;
    found.set(manifest.digest, describe(manifest, body, type));
  }
  const all = [...found.values()];
  return artifactType === null ? all : all.filter((descriptor) => descriptor.artifactType === artifactType);
}
