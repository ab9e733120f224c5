import { MigrationInterface, QueryRunner } from 'typeorm';

export class LookasideSignatures1796053401426 implements MigrationInterface {
  name = 'LookasideSignatures1796053401426';

  // The simple signatures that verified, kept per manifest so the content app can serve them on (issue 15).
  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "manifest_signatures" ADD "simple_signatures" bytea array NOT NULL DEFAULT \'{}\'');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "manifest_signatures" DROP COLUMN "simple_signatures"');
  }
}
