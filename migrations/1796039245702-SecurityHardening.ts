import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proxy credentials (write-only, sealed), the per-distribution grant generation bound into signed URLs,
 * and the end of stored kernel arguments the boot-script renderers refuse.
 */
export class SecurityHardening1796039245702 implements MigrationInterface {
  name = 'SecurityHardening1796039245702';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "remotes" ADD "proxy_username_enc" text');
    await runner.query('ALTER TABLE "remotes" ADD "proxy_password_enc" text');
    await runner.query(`ALTER TABLE "distributions" ADD "grant_generation" integer NOT NULL DEFAULT '0'`);
    // The API used to accept kernel_args the renderers refuse (libs/netboot kernelArgsProblem): every boot
    // script of such a distribution answered 500, so the value never reached a host. Clearing it makes those
    // scripts render again; the same character class as the renderers' rule (NUL cannot be in a text column).
    await runner.query(
      String.raw`UPDATE "distributions" SET "kernel_args" = NULL WHERE "kernel_args" ~ '[\x01-\x1f\x7f"''${'`'}$\\;&|<>{}#]'`,
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "distributions" DROP COLUMN "grant_generation"');
    await runner.query('ALTER TABLE "remotes" DROP COLUMN "proxy_password_enc"');
    await runner.query('ALTER TABLE "remotes" DROP COLUMN "proxy_username_enc"');
  }
}
