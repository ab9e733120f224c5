import { API_ROOT, isUuid, parseVersionHref } from './hrefs';

/**
 * References to content units and repository versions as request bodies give them: an href
 * (`/pulp/api/v3/content/netboot/tags/<uuid>/`, absolute URLs too) or a Pulp resource name
 * (`prn:netboot.tag:<uuid>`). Parsing both lives here, in one place, so every endpoint that takes a
 * reference accepts the same spellings.
 */
export const CONTENT_REF_KINDS = ['blob', 'manifest', 'tag'] as const;
export type ContentRefKind = (typeof CONTENT_REF_KINDS)[number];

/** The `<app>.<model>` part of a PRN, as Pulp spells its types. */
export const PRN_TYPES = {
  blob: 'netboot.blob',
  manifest: 'netboot.manifest',
  tag: 'netboot.tag',
  repositoryVersion: 'core.repositoryversion',
} as const;

export const prns = {
  blob: (id: string) => `prn:${PRN_TYPES.blob}:${id}`,
  manifest: (id: string) => `prn:${PRN_TYPES.manifest}:${id}`,
  tag: (id: string) => `prn:${PRN_TYPES.tag}:${id}`,
  repositoryVersion: (id: string) => `prn:${PRN_TYPES.repositoryVersion}:${id}`,
};

const CONTENT_HREF = new RegExp(`^${API_ROOT}/content/netboot/(blob|manifest|tag)s/([^/]+)/$`);

/** `prn:<type>:<uuid>` → its type and id, or null. Pulp's PRNs have exactly three parts. */
export function parsePrn(ref: string): { type: string; id: string } | null {
  const parts = ref.split(':');
  if (parts.length !== 3 || parts[0] !== 'prn' || !isUuid(parts[2]!)) return null;
  return { type: parts[1]!, id: parts[2]! };
}

/** A content unit's href or PRN → its kind and id; null for anything else (other objects, garbage). */
export function parseContentRef(ref: string): { kind: ContentRefKind; id: string } | null {
  if (ref.startsWith('prn:')) {
    const prn = parsePrn(ref);
    const kind = CONTENT_REF_KINDS.find((k) => PRN_TYPES[k] === prn?.type);
    return kind && prn ? { kind, id: prn.id } : null;
  }
  const match = CONTENT_HREF.exec(pathOf(ref));
  if (!match || !isUuid(match[2]!)) return null;
  return { kind: match[1] as ContentRefKind, id: match[2]! };
}

/**
 * A repository version's href (names the repository and number) or PRN (names the version's id; the
 * caller looks it up); null for anything else.
 */
export function parseVersionRef(ref: string): { repositoryId: string; number: number } | { versionId: string } | null {
  if (ref.startsWith('prn:')) {
    const prn = parsePrn(ref);
    return prn?.type === PRN_TYPES.repositoryVersion ? { versionId: prn.id } : null;
  }
  return parseVersionHref(ref);
}

function pathOf(ref: string): string {
  if (!/^https?:\/\//i.test(ref)) return ref;
  try {
    return new URL(ref).pathname;
  } catch {
    return ref;
  }
}
