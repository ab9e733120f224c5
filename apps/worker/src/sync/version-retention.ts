import type { RepositoryVersionsRepository } from '@app/domain';
import { RepositoryVersionEntity } from '@app/domain';
import type { DataSource } from 'typeorm';

/**
 * Deletes the oldest versions beyond the newest `retain`, except versions a distribution pins (the latest,
 * which a distribution of the repository serves, is always among the kept ones). Returns the numbers deleted.
 */
export async function applyRetention(
  dataSource: DataSource,
  versions: RepositoryVersionsRepository,
  repositoryId: string,
  retain: number | null,
): Promise<number[]> {
  if (!retain || retain < 1) return [];
  return dataSource.transaction(async (manager) => {
    const doomed: RepositoryVersionEntity[] = await manager
      .createQueryBuilder(RepositoryVersionEntity, 'v')
      .where('v.repository_id = :repositoryId', { repositoryId })
      .andWhere('NOT EXISTS (SELECT 1 FROM distributions d WHERE d.repository_version_id = v.id)')
      .andWhere(
        `v.number < (SELECT min(n.number) FROM (SELECT number FROM repository_versions
                       WHERE repository_id = :repositoryId ORDER BY number DESC LIMIT :retain) n)`,
        { retain },
      )
      .orderBy('v.number', 'ASC')
      .getMany();
    for (const version of doomed) await versions.deleteVersion(manager, version);
    return doomed.map((version) => version.number);
  });
}
