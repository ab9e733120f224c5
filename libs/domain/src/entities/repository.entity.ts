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

@Entity('repositories')
export class RepositoryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'remote_id', type: 'uuid', nullable: true })
  remoteId: string | null;

  @ManyToOne(() => RemoteEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'remote_id' })
  remote: Relation<RemoteEntity> | null;

  @Column({ name: 'retain_repo_versions', type: 'integer', nullable: true })
  retainRepoVersions: number | null;

  /** The number the next version gets; numbers are never reused, even after a delete. */
  @Column({ name: 'next_version', type: 'integer', default: 1 })
  nextVersion: number;

  /** Pulp labels: free string → string map, filtered with pulp_label_select. */
  @Column({ name: 'pulp_labels', type: 'jsonb', default: () => "'{}'" })
  pulpLabels: Record<string, string>;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
