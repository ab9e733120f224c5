import { CONTENT_GC_LOCK, type ModifyArgs } from '@app/queue';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { lockRepository } from '../sync/repository.lock';
import { advisoryLock, reserveAll } from '../tasks/advisory-lock';
import type { TaskReservation } from '../tasks/task-handlers';
import { TaskHandlers } from '../tasks/task-handlers';
import { ModifyService } from './modify.service';

/**
 * Registers modify. It holds its repository exclusively (the sync lock: one writer of versions at a time),
 * the base version's repository shared (no sync or retention there deletes the version while it is read),
 * and the content lock shared (orphan cleanup never deletes a unit it is about to reference).
 */
@Injectable()
export class ModifyRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly modify: ModifyService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.handlers.register(
      'modify',
      (context) => this.modify.run(context),
      (task, signal) => {
        const { repositoryId, baseVersion } = task.args as ModifyArgs;
        const repositories: { id: string; step: (s: AbortSignal) => Promise<TaskReservation> }[] = [
          { id: repositoryId, step: (s) => lockRepository(this.dataSource, repositoryId, s) },
        ];
        if (baseVersion && baseVersion.repositoryId !== repositoryId) {
          const other = baseVersion.repositoryId;
          repositories.push({
            id: other,
            step: (s) => lockRepository(this.dataSource, other, s, 'shared'),
          });
        }
        // Repository locks in one global order: two modifies promoting into each other's repository never
        // each hold one lock while polling for the other.
        repositories.sort((a, b) => (a.id < b.id ? -1 : 1));
        return reserveAll(
          [...repositories.map((r) => r.step), (s) => advisoryLock(this.dataSource, CONTENT_GC_LOCK, s, 'shared')],
          signal,
        );
      },
    );
  }
}
