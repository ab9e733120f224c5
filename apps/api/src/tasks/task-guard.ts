import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Refuses to change an object that an unfinished task has reserved (exclusively or shared). */
@Injectable()
export class TaskGuard {
  constructor(private readonly dataSource: DataSource) {}

  async assertNoActiveTask(href: string, message: string): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM tasks WHERE state IN ('waiting', 'running', 'canceling')
          AND reserved_resources && ARRAY[$1, $2]::text[] LIMIT 1`,
      [href, `shared:${href}`],
    );
    if (rows.length) throw new ConflictException(message);
  }
}
