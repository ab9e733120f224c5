import type { Relation } from 'typeorm';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ExporterEntity } from './exporter.entity';
import { TaskEntity } from './task.entity';

/** One file an export wrote, as its table of contents lists it. */
export interface ExportFileInfo {
  name: string;
  size: number;
  sha256: string;
}

/** One run of an exporter (Pulp's PulpExport): created at dispatch, its files and TOC filled in by the task. */
@Entity('exports')
@Index(['exporterId', 'createdAt'])
export class ExportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'exporter_id', type: 'uuid' })
  exporterId: string;

  @ManyToOne(() => ExporterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'exporter_id' })
  exporter: Relation<ExporterEntity>;

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId: string | null;

  @ManyToOne(() => TaskEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'task_id' })
  task: Relation<TaskEntity> | null;

  /** What was asked: version hrefs, start version hrefs, chunk size in bytes (null: one file). */
  @Column({ type: 'jsonb' })
  params: { versions: string[]; startVersions: string[]; chunkSize: number | null };

  /** Absolute path of the table of contents once written. */
  @Column({ name: 'toc_path', type: 'text', nullable: true })
  tocPath: string | null;

  /** Hex sha256 of the TOC file's bytes. */
  @Column({ name: 'toc_sha256', type: 'varchar', length: 64, nullable: true })
  tocSha256: string | null;

  /** The table of contents as written (files with sizes and sha256, and what the export holds). */
  @Column({ type: 'jsonb', nullable: true })
  toc: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;
}
