import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795639138607 implements MigrationInterface {
  name = 'Initial1795639138607';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "content" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "kind" character varying(16) NOT NULL, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6a2083913f3647b44f205204e36" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "blobs" ("id" uuid NOT NULL, "digest" character varying(71) NOT NULL, "size" bigint NOT NULL, "media_type" text, "state" character varying(16) NOT NULL DEFAULT \'remote\', CONSTRAINT "UQ_6c8d2d1e3084682c57d9a5cf687" UNIQUE ("digest"), CONSTRAINT "PK_fe61649fa345f685eb31b949e4c" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "remotes" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "url" text NOT NULL, "upstream_name" text NOT NULL, "include_tags" text array, "exclude_tags" text array, "platforms" text array NOT NULL DEFAULT \'{}\', "policy" character varying(16) NOT NULL DEFAULT \'immediate\', "tls_validation" boolean NOT NULL DEFAULT true, "ca_cert" text, "client_cert" text, "client_key_enc" text, "username_enc" text, "password_enc" text, "proxy_url" text, "download_concurrency" integer NOT NULL DEFAULT \'5\', "max_retries" integer NOT NULL DEFAULT \'5\', "rate_limit" integer, "connect_timeout" double precision, "sock_read_timeout" double precision, "total_timeout" double precision, "headers" jsonb NOT NULL DEFAULT \'{}\', "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_0708cb6763ef6add1a7012b4921" UNIQUE ("name"), CONSTRAINT "PK_348bfb82ade95717a7a1a7bb541" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "repositories" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "description" text, "remote_id" uuid, "retain_repo_versions" integer, "next_version" integer NOT NULL DEFAULT \'1\', "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_98b624f19034b52b7d4a646b0c3" UNIQUE ("name"), CONSTRAINT "PK_ef0c358c04b4f4d29b8ca68ddff" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "repository_versions" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "repository_id" uuid NOT NULL, "number" integer NOT NULL, "base_version_number" integer, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6d074c00c0f10bd78a39d96a4ed" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE UNIQUE INDEX "IDX_f5a6b86bde596389a03110cd7f" ON "repository_versions"  ("repository_id", "number") ',
    );
    await runner.query(
      'CREATE TABLE "distributions" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "base_path" character varying(255) NOT NULL, "repository_id" uuid, "repository_version_id" uuid, "hidden" boolean NOT NULL DEFAULT false, "kernel_args" text, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a4a3d2e8fb7ed5e10a452868ec9" UNIQUE ("name"), CONSTRAINT "UQ_ffc31b0e7e18613b3776982f6ef" UNIQUE ("base_path"), CONSTRAINT "PK_b73beffd2ed658ba71d8bd7d820" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "manifests" ("id" uuid NOT NULL, "digest" character varying(71) NOT NULL, "media_type" text NOT NULL, "artifact_type" text, "is_index" boolean NOT NULL DEFAULT false, "raw" bytea NOT NULL, "annotations" jsonb NOT NULL DEFAULT \'{}\', "config_digest" character varying(71), "config_media_type" text, CONSTRAINT "UQ_2f37d6aeac88c991119652fb41a" UNIQUE ("digest"), CONSTRAINT "PK_fb41b22d800467667616837784b" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "index_entries" ("index_id" uuid NOT NULL, "position" integer NOT NULL, "child_id" uuid NOT NULL, "architecture" character varying(64), "os" character varying(64), "variant" character varying(64), "os_version" text, CONSTRAINT "PK_ec0d372550245720af3efa85eb9" PRIMARY KEY ("index_id", "position"))',
    );
    await runner.query('CREATE INDEX "IDX_35cf43210a2c3e51300246f0dd" ON "index_entries"  ("child_id") ');
    await runner.query(
      'CREATE TABLE "manifest_layers" ("manifest_id" uuid NOT NULL, "position" integer NOT NULL, "blob_id" uuid NOT NULL, "digest" character varying(71) NOT NULL, "size" bigint NOT NULL, "media_type" text NOT NULL, "title" text, "annotations" jsonb NOT NULL DEFAULT \'{}\', CONSTRAINT "PK_ed1ecff24312465b0cfd199fb5e" PRIMARY KEY ("manifest_id", "position"))',
    );
    await runner.query('CREATE INDEX "IDX_05acea6f9e9bb6370596280f68" ON "manifest_layers"  ("blob_id") ');
    await runner.query(
      'CREATE UNIQUE INDEX "IDX_83d02f1644d8ad9f70f30386b7" ON "manifest_layers"  ("manifest_id", "title") WHERE title IS NOT NULL',
    );
    await runner.query(
      'CREATE TABLE "remote_artifacts" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "blob_id" uuid NOT NULL, "remote_id" uuid NOT NULL, "upstream_name" text NOT NULL, "failed_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_89cc9465bf4789453c4e811eae7" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "IDX_569d32916a058706ef07acf896" ON "remote_artifacts"  ("remote_id") ');
    await runner.query(
      'CREATE UNIQUE INDEX "IDX_e1aa1dc70ada55b8d5dbe0c41c" ON "remote_artifacts"  ("blob_id", "remote_id") ',
    );
    await runner.query(
      'CREATE TABLE "repository_content" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "repository_id" uuid NOT NULL, "content_id" uuid NOT NULL, "version_added" integer NOT NULL, "version_removed" integer, CONSTRAINT "PK_cad052411df8c9911b6c5ff4f3a" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "IDX_62317e42b553be1e6aa661a67e" ON "repository_content"  ("content_id") ');
    await runner.query(
      'CREATE UNIQUE INDEX "IDX_ace258df899d18105f65865b17" ON "repository_content"  ("repository_id", "content_id", "version_added") ',
    );
    await runner.query(
      'CREATE INDEX "IDX_0649b3f4822cb41df39ca552ff" ON "repository_content"  ("repository_id", "version_added", "version_removed") ',
    );
    await runner.query(
      'CREATE TABLE "tasks" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "state" character varying(16) NOT NULL DEFAULT \'waiting\', "args" jsonb NOT NULL DEFAULT \'{}\', "reserved_resources" text array NOT NULL DEFAULT \'{}\', "created_resources" text array NOT NULL DEFAULT \'{}\', "progress_reports" jsonb NOT NULL DEFAULT \'[]\', "error" jsonb, "worker" character varying(255), "logging_cid" character varying(64), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "IDX_396d500ff7f1b82771ddd812fd" ON "tasks"  ("name") ');
    await runner.query('CREATE INDEX "IDX_5c1e55378c730af09601496928" ON "tasks"  ("state") ');
    await runner.query(
      'CREATE TABLE "sync_schedules" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "repository_id" uuid NOT NULL, "remote_id" uuid, "mirror" boolean NOT NULL DEFAULT false, "cron" character varying(128) NOT NULL, "timezone" character varying(64) NOT NULL DEFAULT \'UTC\', "enabled" boolean NOT NULL DEFAULT true, "next_run_at" TIMESTAMP WITH TIME ZONE, "last_task_id" uuid, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_7543ff3b3591dca9afec0250ef1" UNIQUE ("name"), CONSTRAINT "PK_b4383762beb54179970a2ed4729" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "tags" ("id" uuid NOT NULL, "name" character varying(128) NOT NULL, "manifest_id" uuid NOT NULL, CONSTRAINT "PK_e7dc17249a1148a1970748eda99" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "IDX_25b3b3e94d3dc76f9ead9ac5f8" ON "tags"  ("manifest_id") ');
    await runner.query('CREATE UNIQUE INDEX "IDX_d08bfbb1964f8022e1fc199511" ON "tags"  ("name", "manifest_id") ');
    await runner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "username" character varying(150) NOT NULL, "password_hash" text NOT NULL, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "workers" ("name" character varying(255) NOT NULL, "role" character varying(16) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_heartbeat" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_337fc312d59870cf6c6b9020191" PRIMARY KEY ("name"))',
    );
    await runner.query(
      'ALTER TABLE "blobs" ADD CONSTRAINT "FK_fe61649fa345f685eb31b949e4c" FOREIGN KEY ("id") REFERENCES "content"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "repositories" ADD CONSTRAINT "FK_c2e64848329c19911a867243387" FOREIGN KEY ("remote_id") REFERENCES "remotes"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "repository_versions" ADD CONSTRAINT "FK_520f306f2d820d8c9f19ee75930" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "distributions" ADD CONSTRAINT "FK_67d25c12068e2fe9cd9babd4875" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "distributions" ADD CONSTRAINT "FK_b51c06f8d8ecb1e7e8c1d8f58ea" FOREIGN KEY ("repository_version_id") REFERENCES "repository_versions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "manifests" ADD CONSTRAINT "FK_fb41b22d800467667616837784b" FOREIGN KEY ("id") REFERENCES "content"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "index_entries" ADD CONSTRAINT "FK_b477ac7377285403cf0611494a8" FOREIGN KEY ("index_id") REFERENCES "manifests"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "index_entries" ADD CONSTRAINT "FK_35cf43210a2c3e51300246f0dde" FOREIGN KEY ("child_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "manifest_layers" ADD CONSTRAINT "FK_ac36d4777a7e1a69c7bef0d5284" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "manifest_layers" ADD CONSTRAINT "FK_05acea6f9e9bb6370596280f687" FOREIGN KEY ("blob_id") REFERENCES "blobs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "remote_artifacts" ADD CONSTRAINT "FK_fa4390a182486bc635b37e745b4" FOREIGN KEY ("blob_id") REFERENCES "blobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "remote_artifacts" ADD CONSTRAINT "FK_569d32916a058706ef07acf8961" FOREIGN KEY ("remote_id") REFERENCES "remotes"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "repository_content" ADD CONSTRAINT "FK_42136e1ffdf97843b5fd37ea030" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "repository_content" ADD CONSTRAINT "FK_62317e42b553be1e6aa661a67ec" FOREIGN KEY ("content_id") REFERENCES "content"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "sync_schedules" ADD CONSTRAINT "FK_3579b4cbc1307fdcabb82914831" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "sync_schedules" ADD CONSTRAINT "FK_5c7a39406d08c67221ef5fc8ee1" FOREIGN KEY ("remote_id") REFERENCES "remotes"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "sync_schedules" ADD CONSTRAINT "FK_7c56ac366d94b2f8907916d67b6" FOREIGN KEY ("last_task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "tags" ADD CONSTRAINT "FK_e7dc17249a1148a1970748eda99" FOREIGN KEY ("id") REFERENCES "content"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "tags" ADD CONSTRAINT "FK_25b3b3e94d3dc76f9ead9ac5f82" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "tags" DROP CONSTRAINT "FK_25b3b3e94d3dc76f9ead9ac5f82"');
    await runner.query('ALTER TABLE "tags" DROP CONSTRAINT "FK_e7dc17249a1148a1970748eda99"');
    await runner.query('ALTER TABLE "sync_schedules" DROP CONSTRAINT "FK_7c56ac366d94b2f8907916d67b6"');
    await runner.query('ALTER TABLE "sync_schedules" DROP CONSTRAINT "FK_5c7a39406d08c67221ef5fc8ee1"');
    await runner.query('ALTER TABLE "sync_schedules" DROP CONSTRAINT "FK_3579b4cbc1307fdcabb82914831"');
    await runner.query('ALTER TABLE "repository_content" DROP CONSTRAINT "FK_62317e42b553be1e6aa661a67ec"');
    await runner.query('ALTER TABLE "repository_content" DROP CONSTRAINT "FK_42136e1ffdf97843b5fd37ea030"');
    await runner.query('ALTER TABLE "remote_artifacts" DROP CONSTRAINT "FK_569d32916a058706ef07acf8961"');
    await runner.query('ALTER TABLE "remote_artifacts" DROP CONSTRAINT "FK_fa4390a182486bc635b37e745b4"');
    await runner.query('ALTER TABLE "manifest_layers" DROP CONSTRAINT "FK_05acea6f9e9bb6370596280f687"');
    await runner.query('ALTER TABLE "manifest_layers" DROP CONSTRAINT "FK_ac36d4777a7e1a69c7bef0d5284"');
    await runner.query('ALTER TABLE "index_entries" DROP CONSTRAINT "FK_35cf43210a2c3e51300246f0dde"');
    await runner.query('ALTER TABLE "index_entries" DROP CONSTRAINT "FK_b477ac7377285403cf0611494a8"');
    await runner.query('ALTER TABLE "manifests" DROP CONSTRAINT "FK_fb41b22d800467667616837784b"');
    await runner.query('ALTER TABLE "distributions" DROP CONSTRAINT "FK_b51c06f8d8ecb1e7e8c1d8f58ea"');
    await runner.query('ALTER TABLE "distributions" DROP CONSTRAINT "FK_67d25c12068e2fe9cd9babd4875"');
    await runner.query('ALTER TABLE "repository_versions" DROP CONSTRAINT "FK_520f306f2d820d8c9f19ee75930"');
    await runner.query('ALTER TABLE "repositories" DROP CONSTRAINT "FK_c2e64848329c19911a867243387"');
    await runner.query('ALTER TABLE "blobs" DROP CONSTRAINT "FK_fe61649fa345f685eb31b949e4c"');
    await runner.query('DROP TABLE "workers"');
    await runner.query('DROP TABLE "users"');
    await runner.query('DROP INDEX "public"."IDX_d08bfbb1964f8022e1fc199511"');
    await runner.query('DROP INDEX "public"."IDX_25b3b3e94d3dc76f9ead9ac5f8"');
    await runner.query('DROP TABLE "tags"');
    await runner.query('DROP TABLE "sync_schedules"');
    await runner.query('DROP INDEX "public"."IDX_5c1e55378c730af09601496928"');
    await runner.query('DROP INDEX "public"."IDX_396d500ff7f1b82771ddd812fd"');
    await runner.query('DROP TABLE "tasks"');
    await runner.query('DROP INDEX "public"."IDX_0649b3f4822cb41df39ca552ff"');
    await runner.query('DROP INDEX "public"."IDX_ace258df899d18105f65865b17"');
    await runner.query('DROP INDEX "public"."IDX_62317e42b553be1e6aa661a67e"');
    await runner.query('DROP TABLE "repository_content"');
    await runner.query('DROP INDEX "public"."IDX_e1aa1dc70ada55b8d5dbe0c41c"');
    await runner.query('DROP INDEX "public"."IDX_569d32916a058706ef07acf896"');
    await runner.query('DROP TABLE "remote_artifacts"');
    await runner.query('DROP INDEX "public"."IDX_83d02f1644d8ad9f70f30386b7"');
    await runner.query('DROP INDEX "public"."IDX_05acea6f9e9bb6370596280f68"');
    await runner.query('DROP TABLE "manifest_layers"');
    await runner.query('DROP INDEX "public"."IDX_35cf43210a2c3e51300246f0dd"');
    await runner.query('DROP TABLE "index_entries"');
    await runner.query('DROP TABLE "manifests"');
    await runner.query('DROP TABLE "distributions"');
    await runner.query('DROP INDEX "public"."IDX_f5a6b86bde596389a03110cd7f"');
    await runner.query('DROP TABLE "repository_versions"');
    await runner.query('DROP TABLE "repositories"');
    await runner.query('DROP TABLE "remotes"');
    await runner.query('DROP TABLE "blobs"');
    await runner.query('DROP TABLE "content"');
  }
}
