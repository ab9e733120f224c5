import {
  ApiTokenEntity,
  BlobEntity,
  DistributionEntity,
  ExporterEntity,
  ImporterEntity,
  ManifestEntity,
  RemoteEntity,
  RepositoryEntity,
  RepositoryVersionEntity,
  SyncScheduleEntity,
  TagEntity,
  TaskEntity,
} from '@app/domain';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { type FlatKind, hrefs, type ObjectKind, parseAnyPrn, parseReference, parseVersionReference } from '@app/core';
import { FieldErrors } from './problem';

// The database half of references: whether the object an href or prn names exists, and the 400 naming the
// request field when it does not. Parsing (and the prn model names) is @app/core's references.ts, shared
// with every other place that reads a reference.

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
  exporter: ExporterEntity,
  importer: ImporterEntity,
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
  exporter: 'exporter',
  importer: 'importer',
};

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

/**
 * The href of whatever a prn names (hrefs pass through unchanged), for filters over stored hrefs such as a
 * task's reserved and created resources. Null when a prn names no object.
 */
export async function hrefOfReference(manager: EntityManager, value: string): Promise<string | null> {
  if (!value.startsWith('prn:')) return value;
  const prn = parseAnyPrn(value);
  if (!prn) return null;
  if (prn.kind === 'version') {
    const version = await manager.findOneBy(RepositoryVersionEntity, { id: prn.id });
    return version ? hrefs.version(version.repositoryId, version.number) : null;
  }
  return hrefs[prn.kind](prn.id);
}
