import { ApiTokensRepository } from './api-tokens.repository';
import { BlobsRepository } from './blobs.repository';
import { ContentRepository } from './content.repository';
import { ContentUnitsRepository } from './content-units.repository';
import { DistributionsRepository } from './distributions.repository';
import { ProcessesRepository } from './processes.repository';
import { RemoteArtifactsRepository } from './remote-artifacts.repository';
import { RepositoryVersionsRepository } from './repository-versions.repository';
import { TasksRepository } from './tasks.repository';

/** Every repository class, for the module that provides the DataSource to provide and export. */
export const DOMAIN_REPOSITORIES = [
  ApiTokensRepository,
  BlobsRepository,
  ContentRepository,
  ContentUnitsRepository,
  DistributionsRepository,
  ProcessesRepository,
  RemoteArtifactsRepository,
  RepositoryVersionsRepository,
  TasksRepository,
];
