import { TasksRepository } from '@app/domain';
import { ConflictException, Injectable } from '@nestjs/common';

/** Refuses to change an object that an unfinished task has reserved (exclusively or shared). */
@Injectable()
export class TaskGuard {
  constructor(private readonly tasks: TasksRepository) {}

  async assertNoActiveTask(href: string, message: string): Promise<void> {
    if (await this.tasks.hasOpenTaskOn(href)) throw new ConflictException(message);
  }
}
