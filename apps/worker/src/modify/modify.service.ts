import { ContentInvalidationPublisher, hrefs } from '@app/core';
import {
  ContentRepository,
  RepositoryEntity,
  RepositoryVersionEntity,
  RepositoryVersionsRepository,
} from '@app/domain';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { applyRetention } from '../sync/version-retention';
import type { TaskContext } from '../tasks/task-context';
import { planModification } from './modify-plan';

/**
 * Pulp's `modify/` (add_and_remove with pulp_container's recursive semantics): one new version of the
 * repository from its latest version, or from any repository's version (`base_version`: how a version is
 * promoted into another repository), minus and plus content units. Nothing changed, no version, as in Pulp.
 * Runs under the repository's exclusive lock, so no sync or other modify moves its latest version meanwhile.
 */
@Injectable()
export class ModifyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: RepositoryVersionsRepository,
    private readonly content: ContentRepository,
    private readonly invalidation: ContentInvalidationPublisher,
  ) {}

  async run(context: TaskContext<'modify'>): Promise<void> {
    const args = context.args;
    const { repositoryId } = args;
    const repository = await this.dataSource.getRepository(RepositoryEntity).findOne({ where: { id: repositoryId } });
    if (!repository) throw new Error(`repository ${hrefs.repository(repositoryId)} no longer exists`);
    context.progress('modify.content', { message: 'Adding and removing content', total: null, done: 0 });

    const result = await this.dataSource.transaction(async (manager) => {
      // The row lock keeps the latest version fixed until the new one is written (createVersion takes it too).
      await this.versions.lockRepository(manager, repositoryId);
      const latest = await this.versions.findLatestVersion(repositoryId, manager);
      const latestIds = latest ? await this.versions.contentIdsOf(repositoryId, latest.number, manager) : [];
      let startIds = latestIds;
      let base: RepositoryVersionEntity | null = null;
      if (args.baseVersion) {
        const { repositoryId: baseRepository, number } = args.baseVersion;
        base = await manager.findOne(RepositoryVersionEntity, { where: { repositoryId: baseRepository, number } });
        if (!base) throw new Error(`base_version ${hrefs.version(baseRepository, number)} no longer exists`);
        startIds = await this.versions.contentIdsOf(baseRepository, number, manager);
      }
      const removeAll = args.removeContentIds.includes('*');
      const named = [...args.addContentIds, ...(removeAll ? [] : args.removeContentIds)];
      const found = await this.content.existingIds(manager, named);
      const gone = named.filter((id) => !found.has(id));
      if (gone.length) {
        // Orphan cleanup removed them between the request and now.
        throw new Error(`content units named in the request no longer exist: ${[...new Set(gone)].join(', ')}`);
      }
      const graph = await this.content.graphOf(manager, [...startIds, ...named]);
      const content = planModification(graph, {
        start: new Set(startIds),
        latest: new Set(latestIds),
        add: args.addContentIds,
        remove: removeAll ? '*' : args.removeContentIds,
        overwrite: args.overwrite,
      });
      const latestSet = new Set(latestIds);
      const add = [...content].filter((id) => !latestSet.has(id));
      const remove = latestIds.filter((id) => !content.has(id));
      // Last moment a cancel can still prevent the version: after this the transaction commits.
      context.signal.throwIfAborted();
      const version = await this.versions.createVersion(manager, repositoryId, { add, remove });
      if (version && base) {
        // Pulp's base_version: the version named in the request, in whichever repository. The content summary
        // still counts against this repository's previous version, as Pulp's does.
        await manager.update(
          RepositoryVersionEntity,
          { id: version.id },
          base.repositoryId === repositoryId
            ? { baseVersionNumber: base.number, baseVersionId: null }
            : { baseVersionNumber: null, baseVersionId: base.id },
        );
      }
      return { version, added: add.length, removed: remove.length };
    });

    context.progress('modify.content', {
      state: 'completed',
      total: result.added + result.removed,
      done: result.added + result.removed,
      suffix: `${result.added} added, ${result.removed} removed`,
    });
    if (!result.version) {
      context.logger.info('modify changed nothing; no new version');
      return;
    }
    context.created(hrefs.version(repositoryId, result.version.number));
    context.logger.info({ version: result.version.number }, 'modify created a repository version');
    try {
      await applyRetention(this.dataSource, this.versions, repositoryId, repository.retainRepoVersions);
    } catch (error) {
      // The new version is committed and correct; the next new version prunes again.
      context.logger.warn({ err: error }, 'could not prune old repository versions');
    }
    await this.invalidation.publish({ reason: 'version-created', repositoryId });
  }
}
