import { API_ROOT } from '@app/core';

/**
 * What Nest's operationIdFactory returns for a handler that declares no operationId. The document's
 * post-processing replaces it with the Pulp-style id derived from the route (`deriveOperationId`), which
 * Nest's factory cannot do itself: it is told the controller and method names, not the path.
 */
export const DERIVED_OPERATION_ID = 'derive:';

const ITEM_ACTIONS: Record<string, string> = { get: 'read', patch: 'partial_update', put: 'update', delete: 'delete' };
const COLLECTION_ACTIONS: Record<string, string> = {
  get: 'list',
  post: 'create',
  patch: 'partial_update',
  put: 'update',
  delete: 'delete',
};

const isParameter = (segment: string) => segment.startsWith('{');

/** The literal segments of a path below the API root, as identifier parts: `sync-schedules` → `sync_schedules`. */
export function operationIdBase(path: string): string[] {
  return path
    .slice(path.startsWith(API_ROOT) ? API_ROOT.length : 0)
    .split('/')
    .filter((segment) => segment && !isParameter(segment))
    .map((segment) => segment.replace(/-/g, '_'));
}

/**
 * Pulp's operationId: the route's literal segments and then the action, as drf-spectacular names a viewset's
 * operations. `GET …/remotes/netboot/oci/{id}/` → `remotes_netboot_oci_read`; an action on an object
 * (`POST …/oci/{id}/sync/`) is named by its last segment: `repositories_netboot_oci_sync`.
 */
export function deriveOperationId(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  const last = segments.at(-1) ?? '';
  const base = operationIdBase(path);
  const verb = method.toLowerCase();
  if (isParameter(last)) return [...base, ITEM_ACTIONS[verb] ?? verb].join('_');
  const onObject = segments.length > 1 && isParameter(segments.at(-2) ?? '');
  if (onObject && verb === 'post') return base.join('_');
  return [...base, COLLECTION_ACTIONS[verb] ?? verb].join('_');
}
