/**
 * The signed claim of containers' simple signing and of cosign (the same JSON shape, another `type`):
 * `{critical: {identity: {docker-reference}, image: {docker-manifest-digest}, type}, optional}`.
 * A claim counts only when it names exactly the manifest digest and the remote's repository.
 */
export const CLAIM_TYPES = {
  simpleSigning: 'atomic container signature',
  cosign: 'cosign container image signature',
} as const;

export interface ClaimExpectation {
  type: string;
  digest: string;
  /** The remote's `upstream_name`: the repository the reference must name, whatever registry host it names. */
  repository: string;
}

/** null when the claim holds, else the reason it does not. */
export function checkClaim(payload: Buffer | Uint8Array, expected: ClaimExpectation): string | null {
  let claim: unknown;
  try {
    claim = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return 'the signed payload is not JSON';
  }
  const critical = (claim as { critical?: unknown } | null)?.critical as
    | { type?: unknown; image?: { 'docker-manifest-digest'?: unknown }; identity?: { 'docker-reference'?: unknown } }
    | undefined;
  if (!critical || typeof critical !== 'object') return 'the signed payload has no "critical" section';
  if (critical.type !== expected.type)
    return `the signed payload is of type ${JSON.stringify(critical.type)}, expected ${JSON.stringify(expected.type)}`;
  const digest = critical.image?.['docker-manifest-digest'];
  if (digest !== expected.digest) return `the signature is for manifest ${String(digest)}, not ${expected.digest}`;
  const reference = critical.identity?.['docker-reference'];
  if (typeof reference !== 'string') return 'the signed payload names no docker-reference';
  const repository = repositoryOf(reference);
  if (repository !== expected.repository)
    return `the signature is for repository ${JSON.stringify(repository ?? reference)}, not ${JSON.stringify(expected.repository)}`;
  return null;
}

/**
 * The repository path of a docker reference (`quay.io/pulp/x:40` → `pulp/x`), with Docker Hub's shortcuts
 * (`fedora` → `library/fedora`). The host is not compared: a mirror serves the same repository under its own
 * name, the way containers' `remapIdentity` allows; the key and the repository path are what bind the claim.
 */
export function repositoryOf(reference: string): string | null {
  const withoutDigest = reference.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
  if (!name) return null;
  const parts = name.split('/');
  const first = parts[0]!;
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasHost ? parts.slice(1) : parts;
  if (path.length === 0) return null;
  const hubHost = !hasHost || first === 'docker.io' || first === 'index.docker.io' || first === 'registry-1.docker.io';
  if (hubHost && path.length === 1) return `library/${path[0]}`;
  return path.join('/');
}
