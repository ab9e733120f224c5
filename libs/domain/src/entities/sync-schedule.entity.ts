import type { Relation } from 'typeorm';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { RemoteEntity } from './remote.entity';
import { RepositoryEntity } from './repository.entity';
import { TaskEntity } from './task.entity';

@Entity('sync_schedules')
export class SyncScheduleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ name: 'repository_id', type: 'uuid' })
  repositoryId: string;

  @ManyToOne(() => RepositoryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository: Relation<RepositoryEntity>;

  @Column({ name: 'remote_id', type: 'uuid', nullable: true })
  remoteId: string | null;

  @ManyToOne(() => RemoteEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'remote_id' })
  remote: Relation<RemoteEntity> | null;

  @Column({ type: 'boolean', default: false })
  mirror: boolean;

  @Column({ type: 'varchar', length: 128 })
  cron: string;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'next_run_at', type: 'timestamptz', nullable: true })
  nextRunAt: Date | null;

  @Column({ name: 'last_task_id', type: 'uuid', nullable: true })
  lastTaskId: string | null;

  @ManyToOne(() => TaskEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'last_task_id' })
  lastTask: Relation<TaskEntity> | null;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
