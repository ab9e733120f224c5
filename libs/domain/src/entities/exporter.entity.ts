import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Where exports of some repositories go (Pulp's PulpExporter): a directory under ALLOWED_EXPORT_PATHS. */
@Entity('exporters')
export class ExporterEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  /** Absolute directory the export files are written to. */
  @Column({ type: 'text' })
  path: string;

  /** The repositories whose versions this exporter may export; a deleted repository drops out when listed. */
  @Column({ name: 'repository_ids', type: 'uuid', array: true, default: () => "'{}'" })
  repositoryIds: string[];

  @Column({ name: 'pulp_labels', type: 'jsonb', default: () => "'{}'" })
  pulpLabels: Record<string, string>;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
