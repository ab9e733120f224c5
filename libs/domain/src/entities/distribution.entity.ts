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
import { RepositoryVersionEntity } from './repository-version.entity';
import { RepositoryEntity } from './repository.entity';

/** Publishes a repository (its latest version) or one pinned version at /pulp/content/<base_path>/. */
@Entity('distributions')
export class DistributionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ name: 'base_path', type: 'varchar', length: 255, unique: true })
  basePath: string;

  @Column({ name: 'repository_id', type: 'uuid', nullable: true })
  repositoryId: string | null;

  @ManyToOne(() => RepositoryEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'repository_id' })
  repository: Relation<RepositoryEntity> | null;

  @Column({ name: 'repository_version_id', type: 'uuid', nullable: true })
  repositoryVersionId: string | null;

  @ManyToOne(() => RepositoryVersionEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'repository_version_id' })
  repositoryVersion: Relation<RepositoryVersionEntity> | null;

  @Column({ type: 'boolean', default: false })
  hidden: boolean;

  /** Private: content needs an API token or a signed URL (the content guard). */
  @Column({ name: 'private', type: 'boolean', default: false })
  isPrivate: boolean;

  /** Served over HTTPS only: plain-HTTP requests get 403 naming the https:// URL (strict HTTPS provisioning). */
  @Column({ name: 'https_only', type: 'boolean', default: false })
  httpsOnly: boolean;

  /** Serve only content whose manifest was verified as signed: anything else is answered 403 with the reason. */
  @Column({ name: 'require_verified', type: 'boolean', default: false })
  requireVerified: boolean;

  /** Kernel arguments appended to every generated boot script (boot.ipxe, grub.cfg) of this distribution. */
  @Column({ name: 'kernel_args', type: 'text', nullable: true })
  kernelArgs: string | null;

  /** Pulp labels: free string → string map, filtered with pulp_label_select. */
  @Column({ name: 'pulp_labels', type: 'jsonb', default: () => "'{}'" })
  pulpLabels: Record<string, string>;

  /**
   * Part of every signed grant: moved on each change of `base_path` or `private` and by
   * `{distribution_href}revoke_grants/`, which invalidates every grant issued before.
   */
  @Column({ name: 'grant_generation', type: 'integer', default: 0 })
  grantGeneration: number;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
