/** Pure: no Nest, no database; the CLI builds and checks hrefs with it too. */
export const API_ROOT = '/pulp/api/v3';

/** A uuid as Postgres prints it (lower case), the id of every object the API names. */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Where the hrefs of each kind of object start: the collection's path, which lists and creates them. */
export const hrefPrefixes = {
  remote: `${API_ROOT}/remotes/netboot/oci/`,
  repository: `${API_ROOT}/repositories/netboot/oci/`,
  distribution: `${API_ROOT}/distributions/netboot/oci/`,
  schedule: `${API_ROOT}/sync-schedules/`,
  token: `${API_ROOT}/tokens/`,
  exporter: `${API_ROOT}/exporters/netboot/pulp/`,
  importer: `${API_ROOT}/importers/netboot/pulp/`,
} as const;

/** Every object's `pulp_href`, built in one place; references.ts parses them from these same builders. */
export const hrefs = {
  remote: (id: string) => `${hrefPrefixes.remote}${id}/`,
  repository: (id: string) => `${hrefPrefixes.repository}${id}/`,
  versions: (repositoryId: string) => `${hrefPrefixes.repository}${repositoryId}/versions/`,
  version: (repositoryId: string, number: number) => `${hrefPrefixes.repository}${repositoryId}/versions/${number}/`,
  distribution: (id: string) => `${hrefPrefixes.distribution}${id}/`,
  task: (id: string) => `${API_ROOT}/tasks/${id}/`,
  blob: (id: string) => `${API_ROOT}/content/netboot/blobs/${id}/`,
  manifest: (id: string) => `${API_ROOT}/content/netboot/manifests/${id}/`,
  tag: (id: string) => `${API_ROOT}/content/netboot/tags/${id}/`,
  contentList: (kind: 'blob' | 'manifest' | 'tag') => `${API_ROOT}/content/netboot/${kind}s/`,
  schedule: (id: string) => `${hrefPrefixes.schedule}${id}/`,
  token: (id: string) => `${hrefPrefixes.token}${id}/`,
  exporter: (id: string) => `${hrefPrefixes.exporter}${id}/`,
  exports: (exporterId: string) => `${hrefPrefixes.exporter}${exporterId}/exports/`,
  export: (exporterId: string, id: string) => `${hrefPrefixes.exporter}${exporterId}/exports/${id}/`,
  importer: (id: string) => `${hrefPrefixes.importer}${id}/`,
};

export function isUuid(value: string): boolean {
  return new RegExp(`^${UUID_PATTERN}$`).test(value);
}
