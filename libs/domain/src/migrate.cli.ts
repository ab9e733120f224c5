import { loadConfig } from '@app/config';
import { createDataSource, ensureDatabase, runMigrations } from './data-source';

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const dataSource = await createDataSource(config.databaseUrl, { applicationName: 'bootdepot-migrate' }).initialize();
  const applied = await runMigrations(dataSource);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database schema is up to date');
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
