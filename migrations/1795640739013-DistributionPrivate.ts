import { MigrationInterface, QueryRunner } from 'typeorm';

export class DistributionPrivate1795640739013 implements MigrationInterface {
  name = 'DistributionPrivate1795640739013';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "distributions" ADD "private" boolean NOT NULL DEFAULT false');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "distributions" DROP COLUMN "private"');
  }
}
