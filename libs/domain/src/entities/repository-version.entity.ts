import type { Relation } from 'typeorm';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { RepositoryEntity } from './repository.entity';

/** An immutable, numbered snapshot of a repository's content. */
@Entity('repository_versions')
@Index(['repositoryId', 'number'], { unique: true })
export class RepositoryVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'repository_id', type: 'uuid' })
  repositoryId: string;

  @ManyToOne(() => RepositoryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository: Relation<RepositoryEntity>;

  @Column({ type: 'integer' })
  number: number;

  @Column({ name: 'base_version_number', type: 'integer', nullable: true })
  baseVersionNumber: number | null;

  /**
   * Set when the version was made from a version of another repository (modify with `base_version`, how a
   * version is promoted); as in Pulp, the link is cleared when that version is deleted.
   */
  @Column({ name: 'base_version_id', type: 'uuid', nullable: true })
  baseVersionId: string | null;

  @ManyToOne(() => RepositoryVersionEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'base_version_id' })
  baseVersion: Relation<RepositoryVersionEntity> | null;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
