import { MigrationInterface, QueryRunner } from 'typeorm';

/** Pulp's `pulp_labels` on remotes, repositories and distributions, and the remotes' `sock_connect_timeout`. */
export class PulpLabels1796038772873 implements MigrationInterface {
  name = 'PulpLabels1796038772873';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "remotes" ADD "sock_connect_timeout" double precision`);
    for (const table of ['remotes', 'repositories', 'distributions']) {
      await runner.query(`ALTER TABLE "${table}" ADD "pulp_labels" jsonb NOT NULL DEFAULT '{}'`);
    }
  }

  public async down(runner: QueryRunner): Promise<void> {
    for (const table of ['remotes', 'repositories', 'distributions']) {
      await runner.query(`ALTER TABLE "${table}" DROP COLUMN "pulp_labels"`);
    }
    await runner.query(`ALTER TABLE "remotes" DROP COLUMN "sock_connect_timeout"`);
  }
}
