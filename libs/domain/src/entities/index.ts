export * from './api-token.entity';
export * from './blob.entity';
export * from './content.entity';
export * from './distribution.entity';
export * from './export.entity';
export * from './exporter.entity';
export * from './importer.entity';
export * from './index-entry.entity';
export * from './manifest-layer.entity';
export * from './manifest-signature.entity';
export * from './manifest.entity';
export * from './remote-artifact.entity';
export * from './remote.entity';
export * from './repository-content.entity';
export * from './repository-version.entity';
export * from './repository.entity';
export * from './sync-schedule.entity';
export * from './tag.entity';
export * from './task.entity';
export * from './user.entity';
export * from './version-tag-outline.entity';
export * from './worker.entity';

import { ApiTokenEntity } from './api-token.entity';
import { BlobEntity } from './blob.entity';
import { ContentEntity } from './content.entity';
import { DistributionEntity } from './distribution.entity';
import { ExportEntity } from './export.entity';
import { ExporterEntity } from './exporter.entity';
import { ImporterEntity } from './importer.entity';
import { IndexEntryEntity } from './index-entry.entity';
import { ManifestLayerEntity } from './manifest-layer.entity';
import { ManifestSignatureEntity } from './manifest-signature.entity';
import { ManifestEntity } from './manifest.entity';
import { RemoteArtifactEntity } from './remote-artifact.entity';
import { RemoteEntity } from './remote.entity';
import { RepositoryContentEntity } from './repository-content.entity';
import { RepositoryVersionEntity } from './repository-version.entity';
import { RepositoryEntity } from './repository.entity';
import { SyncScheduleEntity } from './sync-schedule.entity';
import { TagEntity } from './tag.entity';
import { TaskEntity } from './task.entity';
import { UserEntity } from './user.entity';
import { VersionTagOutlineEntity } from './version-tag-outline.entity';
import { WorkerEntity } from './worker.entity';

export const ENTITIES = [
  ApiTokenEntity,
  BlobEntity,
  ContentEntity,
  DistributionEntity,
  ExportEntity,
  ExporterEntity,
  ImporterEntity,
  IndexEntryEntity,
  ManifestEntity,
  ManifestSignatureEntity,
  ManifestLayerEntity,
  RemoteArtifactEntity,
  RemoteEntity,
  RepositoryContentEntity,
  RepositoryEntity,
  RepositoryVersionEntity,
  SyncScheduleEntity,
  TagEntity,
  TaskEntity,
  UserEntity,
  VersionTagOutlineEntity,
  WorkerEntity,
];
