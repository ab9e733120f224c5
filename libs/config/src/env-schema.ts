import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';

/** A tiny, explicit environment parser: each variable names its own failure. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function str(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function optionalStr(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

export function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const value = raw(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL, got ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${JSON.stringify(parsed.protocol)}`);
  }
  return value.replace(/\/+$/, '');
}

export function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const value = raw(env, name) ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export function keyPrefix(env: Env, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) {
    throw new ConfigError(`${name} must be 1-64 characters of letters, digits, _ . : -, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A five-field cron expression, or empty to disable; fully checked where it is scheduled. */
export function cron(env: Env, name: string, fallback: string): string {
  const value = env[name] === undefined ? fallback : (env[name] ?? '').trim();
  if (value !== '' && !/^\S+( \S+){4}$/.test(value)) {
    throw new ConfigError(`${name} must be a five-field cron expression or empty, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A comma- or space-separated list of CIDR blocks (`10.0.0.0/8, ::1/128`); a bare address means the one
 * address. Returned normalised as `address/prefix`, ready for `net.BlockList.addSubnet`.
 */
export function cidrList(env: Env, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  return value
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [address = '', prefix, extra] = entry.split('/');
      const family = isIP(address);
      const max = family === 6 ? 128 : 32;
      const bits = prefix === undefined ? max : Number(prefix);
      if (family === 0 || extra !== undefined || !/^\d{0,3}$/.test(prefix ?? '') || bits > max || prefix === '') {
        throw new ConfigError(
          `${name} must list CIDR blocks such as 10.0.0.0/8 or fd00::/8, got ${JSON.stringify(entry)}`,
        );
      }
      return `${address}/${bits}`;
    });
}

/**
 * A comma-separated list of absolute directories (`/srv/exports,/mnt/usb`), returned resolved (no `..`, no
 * trailing slash). Symlinks are resolved where a path is checked, not here: a directory may not exist yet at boot.
 */
export function absolutePathList(env: Env, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      if (!isAbsolute(entry))
        throw new ConfigError(`${name} must list absolute directories, got ${JSON.stringify(entry)}`);
      return resolve(entry);
    });
}
