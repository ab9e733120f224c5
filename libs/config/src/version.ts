import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** bootdepot's version from the nearest package.json above this file (works from src/ and dist/). */
function findVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'bootdepot' && pkg.version) return pkg.version;
    }
  }
  return '0.0.0';
}

export const BOOTDEPOT_VERSION = findVersion();
