import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 150, unique: true })
  username: string;

  /** `scrypt$<N>$<salt b64>$<hash b64>`; the clear text is never stored. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
