import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Imports exports into local repositories (Pulp's PulpImporter). */
@Entity('importers')
export class ImporterEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  /** Exported repository name → local repository id; names not listed import into a repository of the same name. */
  @Column({ name: 'repo_mapping', type: 'jsonb', default: () => "'{}'" })
  repoMapping: Record<string, string>;

  @Column({ name: 'pulp_labels', type: 'jsonb', default: () => "'{}'" })
  pulpLabels: Record<string, string>;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
