import { MigrationInterface, QueryRunner } from 'typeorm';

export class DistributionHttpsOnly1796038816935 implements MigrationInterface {
  name = 'DistributionHttpsOnly1796038816935';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "distributions" ADD "https_only" boolean NOT NULL DEFAULT false');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "distributions" DROP COLUMN "https_only"');
  }
}
