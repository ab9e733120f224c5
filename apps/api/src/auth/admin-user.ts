import type { AppConfig } from '@app/config';
import { UserEntity } from '@app/domain';
import { createSecretFile, generateSecret, hashPassword, verifyPassword } from '@app/security';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

export const ADMIN = 'admin';

/**
 * Makes sure the `admin` user exists. BOOTDEPOT_ADMIN_PASSWORD, when set, is the password (changed in
 * place if it differs). Otherwise the first start generates one, stores only its hash, and writes the
 * clear text once to a mode-0600 file in the data folder.
 */
export async function ensureAdminUser(dataSource: DataSource, config: AppConfig, logger: Logger): Promise<void> {
  const users = dataSource.getRepository(UserEntity);
  const existing = await users.findOne({ where: { username: ADMIN } });
  if (config.adminPassword) {
    if (!existing) {
      await users
        .insert({ username: ADMIN, passwordHash: await hashPassword(config.adminPassword) })
        .catch(ignoreDuplicate);
    } else if (!(await verifyPassword(config.adminPassword, existing.passwordHash))) {
      await users.update({ id: existing.id }, { passwordHash: await hashPassword(config.adminPassword) });
      logger.info('admin password changed to BOOTDEPOT_ADMIN_PASSWORD');
    }
    return;
  }
  if (existing) return;
  const password = generateSecret(32);
  const inserted = await users
    .insert({ username: ADMIN, passwordHash: await hashPassword(password) })
    .then(() => true, ignoreDuplicate);
  if (!inserted) return; // another process created the user first and wrote the file
  const path = join(config.dataDir, 'admin-password');
  if (!createSecretFile(path, password).created) {
    // A file left from an earlier database would mislead: the password in it is not this one.
    rmSync(path, { force: true });
    createSecretFile(path, password);
  }
  logger.warn({ path }, `generated the admin password; it is in ${path} (mode 0600)`);
}

function ignoreDuplicate(error: { code?: string; driverError?: { code?: string } }): false {
  if ((error.driverError?.code ?? error.code) === '23505') return false;
  throw error;
}
