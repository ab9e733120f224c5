import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A running process of any role, kept alive by its heartbeat; `status/` lists the fresh ones. */
@Entity('workers')
export class WorkerEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'last_heartbeat', type: 'timestamptz' })
  lastHeartbeat: Date;
}
