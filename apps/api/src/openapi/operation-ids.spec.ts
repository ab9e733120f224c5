import { describe, expect, it } from 'vitest';
import { deriveOperationId, operationIdBase } from './operation-ids';

const root = '/pulp/api/v3';

describe('deriveOperationId', () => {
  it('names the CRUD operations of a typed endpoint as Pulp does', () => {
    const collection = `${root}/remotes/netboot/oci/`;
    const item = `${collection}{id}/`;
    expect(deriveOperationId('get', collection)).toBe('remotes_netboot_oci_list');
    expect(deriveOperationId('post', collection)).toBe('remotes_netboot_oci_create');
    expect(deriveOperationId('get', item)).toBe('remotes_netboot_oci_read');
    expect(deriveOperationId('patch', item)).toBe('remotes_netboot_oci_partial_update');
    expect(deriveOperationId('put', item)).toBe('remotes_netboot_oci_update');
    expect(deriveOperationId('delete', item)).toBe('remotes_netboot_oci_delete');
  });

  it('names an action on an object by its last segment', () => {
    expect(deriveOperationId('post', `${root}/repositories/netboot/oci/{id}/sync/`)).toBe(
      'repositories_netboot_oci_sync',
    );
    expect(deriveOperationId('post', `${root}/repositories/netboot/oci/{id}/modify/`)).toBe(
      'repositories_netboot_oci_modify',
    );
    expect(deriveOperationId('post', `${root}/repositories/netboot/oci/{id}/versions/{number}/repair/`)).toBe(
      'repositories_netboot_oci_versions_repair',
    );
  });

  it('treats a nested collection as a collection', () => {
    expect(deriveOperationId('get', `${root}/repositories/netboot/oci/{id}/versions/`)).toBe(
      'repositories_netboot_oci_versions_list',
    );
    expect(deriveOperationId('delete', `${root}/repositories/netboot/oci/{id}/versions/{number}/`)).toBe(
      'repositories_netboot_oci_versions_delete',
    );
    expect(deriveOperationId('get', `${root}/content/netboot/manifests/`)).toBe('content_netboot_manifests_list');
  });

  it('turns hyphens into underscores and works without a trailing slash', () => {
    expect(deriveOperationId('get', `${root}/sync-schedules`)).toBe('sync_schedules_list');
    expect(deriveOperationId('get', `${root}/sync-schedules/{id}`)).toBe('sync_schedules_read');
  });
});

describe('operationIdBase', () => {
  it('keeps the literal segments below the API root', () => {
    expect(operationIdBase(`${root}/tasks/{id}/`)).toEqual(['tasks']);
    expect(operationIdBase(`${root}/repositories/reclaim_space/`)).toEqual(['repositories', 'reclaim_space']);
  });
});
