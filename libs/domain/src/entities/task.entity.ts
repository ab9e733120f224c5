import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const TASK_STATES = ['waiting', 'running', 'completed', 'failed', 'canceling', 'canceled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const FINAL_TASK_STATES: readonly TaskState[] = ['completed', 'failed', 'canceled'];

export interface ProgressReport {
  message: string;
  code: string;
  state: 'waiting' | 'running' | 'completed' | 'failed' | 'canceled';
  total: number | null;
  done: number;
  suffix: string | null;
}

export interface TaskError {
  description: string;
}

@Entity('tasks')
export class TaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Index()
  @Column({ type: 'varchar', length: 16, default: 'waiting' })
  state: TaskState;

  /** The job's input: ids only, never entities. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  args: Record<string, unknown>;

  @Column({ name: 'reserved_resources', type: 'text', array: true, default: () => "'{}'" })
  reservedResources: string[];

  @Column({ name: 'created_resources', type: 'text', array: true, default: () => "'{}'" })
  createdResources: string[];

  @Column({ name: 'progress_reports', type: 'jsonb', default: () => "'[]'" })
  progressReports: ProgressReport[];

  @Column({ type: 'jsonb', nullable: true })
  error: TaskError | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  worker: string | null;

  @Column({ name: 'logging_cid', type: 'varchar', length: 64, nullable: true })
  loggingCid: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
