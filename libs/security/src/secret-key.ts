import { join } from 'node:path';
import { generateSecret } from './password';
import { createSecretFile, readSecretFile } from './secret-file';

export interface SecretKeySource {
  secretKey: string | undefined;
  dataDir: string;
}

/** BOOTDEPOT_SECRET_KEY, else the key generated into the data folder on first start. */
export function resolveSecretKey(config: SecretKeySource, log: (message: string) => void): string {
  if (config.secretKey) return config.secretKey;
  const path = join(config.dataDir, 'secret.key');
  const existing = readSecretFile(path);
  if (existing) return existing;
  const { value, created } = createSecretFile(path, generateSecret(48));
  if (created)
    log(`BOOTDEPOT_SECRET_KEY is not set: generated one in ${path} (mode 0600); back it up with the database`);
  return value;
}
