export const API_ROOT = '/pulp/api/v3';

/** A uuid as Postgres prints it (lower case), the id of every object the API names. */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Every object's `pulp_href`, built in one place; references.ts parses them from these same builders. */
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
  exporter: (id: string) => `${API_ROOT}/exporters/netboot/pulp/${id}/`,
  exports: (exporterId: string) => `${API_ROOT}/exporters/netboot/pulp/${exporterId}/exports/`,
  export: (exporterId: string, id: string) => `${API_ROOT}/exporters/netboot/pulp/${exporterId}/exports/${id}/`,
  importer: (id: string) => `${API_ROOT}/importers/netboot/pulp/${id}/`,
};

export function isUuid(value: string): boolean {
  return new RegExp(`^${UUID_PATTERN}$`).test(value);
}
