import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface OnlineProcessRow {
  name: string;
  role: string;
  lastHeartbeat: Date;
}

/** The `workers` table: every process (api, content, worker) records that it is alive. */
@Injectable()
export class ProcessesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async beat(name: string, role: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO workers (name, role, started_at, last_heartbeat) VALUES ($1, $2, now(), now())
       ON CONFLICT (name) DO UPDATE SET last_heartbeat = now()`,
      [name, role],
    );
  }

  /** A process shutting down removes itself, so `status/` stops listing it at once. */
  async forget(name: string): Promise<void> {
    await this.dataSource.query('DELETE FROM workers WHERE name = $1', [name]);
  }

  /** Processes whose last heartbeat is younger than `withinSeconds`, by role and name. */
  async online(withinSeconds: number): Promise<OnlineProcessRow[]> {
    const rows: { name: string; role: string; last_heartbeat: Date }[] = await this.dataSource.query(
      `SELECT name, role, last_heartbeat FROM workers
        WHERE last_heartbeat > now() - make_interval(secs => $1) ORDER BY role, name`,
      [withinSeconds],
    );
    return rows.map((row) => ({ name: row.name, role: row.role, lastHeartbeat: row.last_heartbeat }));
  }
}
