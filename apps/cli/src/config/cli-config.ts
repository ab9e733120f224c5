import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error';
import { ExitCode } from '../exit-codes';

export const DEFAULT_URL = 'http://localhost:24817';

/** What one source (flags, environment, config file) says about the server and credentials. */
export interface ConfigSource {
  url?: string;
  username?: string;
  password?: string;
  token?: string;
}

export type Credentials =
  { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string } | { kind: 'none' };

export interface CliConfig {
  url: string;
  credentials: Credentials;
}

const KEYS = ['url', 'username', 'password', 'token'] as const;

export function envSource(env: NodeJS.ProcessEnv): ConfigSource {
  return {
    url: env.BOOTDEPOT_URL || undefined,
    username: env.BOOTDEPOT_USERNAME || undefined,
    password: env.BOOTDEPOT_PASSWORD || undefined,
    token: env.BOOTDEPOT_TOKEN || undefined,
  };
}

/** `$XDG_CONFIG_HOME/bootdepot/cli.json`, which is `~/.config/bootdepot/cli.json` on most systems. */
export function configFilePath(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'bootdepot', 'cli.json');
}

/** Reads the config file; a missing file is an empty source, a malformed one an error naming it. */
export function loadConfigFile(path: string, warn: (message: string) => void): ConfigSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, ExitCode.Usage);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, ExitCode.Usage);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${path} must hold a JSON object like {"url": "...", "token": "..."}`, ExitCode.Usage);
  }
  const source: ConfigSource = {};
  for (const key of KEYS) {
    const value = (parsed as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new CliError(`${path}: "${key}" must be a string`, ExitCode.Usage);
    source[key] = value;
  }
  // A password or token in a file others can read is as good as published.
  if ((source.password || source.token) && (statSync(path).mode & 0o044) !== 0) {
    warn(`warning: ${path} holds credentials and is readable by others; run: chmod 600 ${path}`);
  }
  return source;
}

/**
 * Merges sources, highest precedence first. Each field comes from the first source that sets it, but
 * the kind of credential comes from the first source that sets a password or a token: a `--password`
 * on the command line must beat a token in the config file, not be silently overridden by it.
 */
export function resolveConfig(sources: readonly ConfigSource[]): CliConfig {
  const first = (key: keyof ConfigSource) => sources.find((source) => source[key])?.[key];
  const url = (first('url') ?? DEFAULT_URL).replace(/\/+$/, '');
  try {
    const parsed = new URL(url);
    if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('not http(s)');
  } catch {
    throw new CliError(`the server URL "${url}" is not an http(s) URL`, ExitCode.Usage);
  }
  const credentialSource = sources.find((source) => source.token || source.password);
  let credentials: Credentials = { kind: 'none' };
  if (credentialSource?.token) credentials = { kind: 'bearer', token: credentialSource.token };
  else if (credentialSource?.password) {
    credentials = { kind: 'basic', username: first('username') ?? 'admin', password: credentialSource.password };
  }
  return { url, credentials };
}
