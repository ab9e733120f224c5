import type { Digest } from '@app/oci';

/** Where a unit lives inside an export tar; names carry the digest, so a member is checked against its name. */
export type TarMemberKind = 'manifests' | 'blobs';

export function tarMemberName(kind: TarMemberKind, digest: Digest): string {
  return `${kind}/${digest.replace(':', '/')}`;
}

const MEMBER = /^(manifests|blobs)\/sha256\/([0-9a-f]{64})$/;

/**
 * Reads a member's name back, or null when the name is anything else: absolute, `..`, another directory, a
 * different spelling. Only names this format writes are accepted, which rules out traversal by construction.
 */
export function parseTarMemberName(name: string): { kind: TarMemberKind; digest: Digest } | null {
  const match = MEMBER.exec(name);
  if (!match) return null;
  return { kind: match[1] as TarMemberKind, digest: `sha256:${match[2]}` as Digest };
}
