export const API_ROOT = '/pulp/api/v3';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Every object's `pulp_href`, built and parsed in one place. */
export const hrefs = {
  remote: (id: string) => `${API_ROOT}/remotes/netboot/oci/${id}/`,
  repository: (id: string) => `${API_ROOT}/repositories/netboot/oci/${id}/`,
  versions: (repositoryId: string) => `${API_ROOT}/repositories/netboot/oci/${repositoryId}/versions/`,
  version: (repositoryId: string, number: number) =>
    `${API_ROOT}/repositories/netboot/oci/${repositoryId}/versions/${number}/`,
  distribution: (id: string) => `${API_ROOT}/distributions/netboot/oci/${id}/`,
  task: (id: string) => `${API_ROOT}/tasks/${id}/`,
  blob: (id: string) => `${API_ROOT}/content/netboot/blobs/${id}/`,
  manifest: (id: string) => `${API_ROOT}/content/netboot/manifests/${id}/`,
  tag: (id: string) => `${API_ROOT}/content/netboot/tags/${id}/`,
  contentList: (kind: 'blob' | 'manifest' | 'tag') => `${API_ROOT}/content/netboot/${kind}s/`,
  schedule: (id: string) => `${API_ROOT}/sync-schedules/${id}/`,
  token: (id: string) => `${API_ROOT}/tokens/${id}/`,
};

const patterns = {
  remote: new RegExp(`^${API_ROOT}/remotes/netboot/oci/(${UUID})/$`),
  repository: new RegExp(`^${API_ROOT}/repositories/netboot/oci/(${UUID})/$`),
  version: new RegExp(`^${API_ROOT}/repositories/netboot/oci/(${UUID})/versions/(\\d{1,9})/$`),
  distribution: new RegExp(`^${API_ROOT}/distributions/netboot/oci/(${UUID})/$`),
  task: new RegExp(`^${API_ROOT}/tasks/(${UUID})/$`),
};

export type HrefKind = keyof typeof patterns;

/** The id inside an href of the given kind, or null when the href is not one. Accepts absolute URLs too. */
export function parseHref(kind: Exclude<HrefKind, 'version'>, href: string): string | null {
  return patterns[kind].exec(pathOf(href))?.[1] ?? null;
}

export function parseVersionHref(href: string): { repositoryId: string; number: number } | null {
  const match = patterns.version.exec(pathOf(href));
  return match ? { repositoryId: match[1]!, number: Number(match[2]) } : null;
}

function pathOf(href: string): string {
  if (/^https?:\/\//i.test(href)) {
    try {
      return new URL(href).pathname;
    } catch {
      return href;
    }
  }
  return href;
}

export function isUuid(value: string): boolean {
  return new RegExp(`^${UUID}$`).test(value);
}
