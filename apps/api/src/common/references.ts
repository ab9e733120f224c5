import {
  ApiTokenEntity,
  BlobEntity,
  DistributionEntity,
  ManifestEntity,
  RemoteEntity,
  RepositoryEntity,
  RepositoryVersionEntity,
  SyncScheduleEntity,
  TagEntity,
  TaskEntity,
} from '@app/domain';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { API_ROOT, hrefs, isUuid, parseVersionHref } from '@app/core';
import { FieldErrors } from './problem';

/**
 * Pulp Resource Names and the one place that turns "an href or a prn" into an id.
 *
 * A prn is `prn:<app_label>.<model>:<pk>` (pulpcore's `get_prn`): it does not change with the API root,
 * and Katello stores prns. Plugin models carry the plugin's label (`netboot.ociremote`); the core models
 * keep `core` (a repository version is `prn:core.repositoryversion:<its own uuid>`, not the repository's).
 */
export const PRN_MODELS = {
  remote: 'netboot.ociremote',
  repository: 'netboot.ocirepository',
  distribution: 'netboot.ocidistribution',
  version: 'core.repositoryversion',
  task: 'core.task',
  blob: 'netboot.blob',
  manifest: 'netboot.manifest',
  tag: 'netboot.tag',
  schedule: 'core.syncschedule',
  token: 'core.apitoken',
} as const;

export type ObjectKind = keyof typeof PRN_MODELS;
/** Kinds whose href ends in the object's own uuid (a version's href holds the repository id and a number). */
export type FlatKind = Exclude<ObjectKind, 'version'>;

export function prnOf(kind: ObjectKind, id: string): string {
  return `prn:${PRN_MODELS[kind]}:${id}`;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const HREF_PATTERNS: Record<FlatKind, RegExp> = {
  remote: new RegExp(`^${API_ROOT}/remotes/netboot/oci/(${UUID})/$`),
  repository: new RegExp(`^${API_ROOT}/repositories/netboot/oci/(${UUID})/$`),
  distribution: new RegExp(`^${API_ROOT}/distributions/netboot/oci/(${UUID})/$`),
  task: new RegExp(`^${API_ROOT}/tasks/(${UUID})/$`),
  blob: new RegExp(`^${API_ROOT}/content/netboot/blobs/(${UUID})/$`),
  manifest: new RegExp(`^${API_ROOT}/content/netboot/manifests/(${UUID})/$`),
  tag: new RegExp(`^${API_ROOT}/content/netboot/tags/(${UUID})/$`),
  schedule: new RegExp(`^${API_ROOT}/sync-schedules/(${UUID})/$`),
  token: new RegExp(`^${API_ROOT}/tokens/(${UUID})/$`),
};

const ENTITIES: Record<ObjectKind, EntityTarget<ObjectLiteral>> = {
  remote: RemoteEntity,
  repository: RepositoryEntity,
  distribution: DistributionEntity,
  version: RepositoryVersionEntity,
  task: TaskEntity,
  blob: BlobEntity,
  manifest: ManifestEntity,
  tag: TagEntity,
  schedule: SyncScheduleEntity,
  token: ApiTokenEntity,
};

const NOUNS: Record<ObjectKind, string> = {
  remote: 'remote',
  repository: 'repository',
  distribution: 'distribution',
  version: 'repository version',
  task: 'task',
  blob: 'blob',
  manifest: 'manifest',
  tag: 'tag',
  schedule: 'sync schedule',
  token: 'API token',
};

/** The uuid in `prn:<model of kind>:<uuid>`, or null when the value is no prn of that kind. */
export function parsePrn(kind: ObjectKind, value: string): string | null {
  const prefix = `prn:${PRN_MODELS[kind]}:`;
  if (!value.startsWith(prefix)) return null;
  const id = value.slice(prefix.length);
  return isUuid(id) ? id : null;
}

/** The uuid an href (relative or absolute) or a prn of `kind` names, or null. No database involved. */
export function parseReference(kind: FlatKind, value: string): string | null {
  if (value.startsWith('prn:')) return parsePrn(kind, value);
  return HREF_PATTERNS[kind].exec(pathOf(value))?.[1] ?? null;
}

/** A repository version named by href (repository + number) or by prn (its own id). */
export type VersionReference = { id: string } | { repositoryId: string; number: number };

export function parseVersionReference(value: string): VersionReference | null {
  if (value.startsWith('prn:')) {
    const id = parsePrn('version', value);
    return id ? { id } : null;
  }
  return parseVersionHref(value);
}

/** "no remote at …" style message for a reference that is malformed or names nothing. */
export function noObjectAt(kind: ObjectKind, value: string): string {
  return `no ${NOUNS[kind]} at ${JSON.stringify(value)} (give its pulp_href or prn)`;
}

/** The id of the existing object an href or prn in request field `field` names, or a 400 naming the field. */
export async function resolveReference(
  manager: EntityManager,
  kind: FlatKind,
  value: string,
  field: string,
): Promise<string> {
  const id = parseReference(kind, value);
  if (!id || !(await manager.exists(ENTITIES[kind], { where: { id } }))) {
    throw FieldErrors.of(field, noObjectAt(kind, value));
  }
  return id;
}

/** The repository version an href or prn in `field` names, or a 400 naming the field. */
export async function resolveVersionReference(
  manager: EntityManager,
  value: string,
  field: string,
): Promise<RepositoryVersionEntity> {
  const ref = parseVersionReference(value);
  const version = ref ? await manager.findOne(RepositoryVersionEntity, { where: ref }) : null;
  if (!version) throw FieldErrors.of(field, noObjectAt('version', value));
  return version;
}

const HREF_BUILDERS: Record<FlatKind, (id: string) => string> = {
  remote: hrefs.remote,
  repository: hrefs.repository,
  distribution: hrefs.distribution,
  task: hrefs.task,
  blob: hrefs.blob,
  manifest: hrefs.manifest,
  tag: hrefs.tag,
  schedule: (id) => `${API_ROOT}/sync-schedules/${id}/`,
  token: (id) => `${API_ROOT}/tokens/${id}/`,
};

/**
 * The href of whatever a prn names (hrefs pass through unchanged), for filters over stored hrefs such as a
 * task's reserved and created resources. Null when a prn names no object.
 */
export async function hrefOfReference(manager: EntityManager, value: string): Promise<string | null> {
  if (!value.startsWith('prn:')) return value;
  const kind = (Object.keys(PRN_MODELS) as ObjectKind[]).find((k) => value.startsWith(`prn:${PRN_MODELS[k]}:`));
  if (!kind) return null;
  if (kind === 'version') {
    const id = parsePrn('version', value);
    const version = id ? await manager.findOneBy(RepositoryVersionEntity, { id }) : null;
    return version ? hrefs.version(version.repositoryId, version.number) : null;
  }
  const id = parsePrn(kind, value);
  return id ? HREF_BUILDERS[kind](id) : null;
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
