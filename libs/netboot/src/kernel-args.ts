import { UnsafeBootParameterError } from './netboot.errors';

/**
 * Characters with meaning to iPXE or GRUB script syntax (expansion, quoting, command separators, blocks,
 * comments) or that end a line. Kernel arguments never need them, so refusing beats escaping for two dialects.
 */
const UNSAFE_RE = /[\u0000-\u001f\u007f"'`$\\;&|<>{}#]/;
const URL_SCHEMES = new Set(['http:', 'https:', 'tftp:']);

function describe(text: string): string {
  const match = UNSAFE_RE.exec(text);
  return match ? `character ${JSON.stringify(match[0])}` : 'content';
}

/** Splits and checks kernel arguments; throws `UnsafeBootParameterError` naming the first bad character. */
export function sanitizeKernelArgs(args: string | readonly string[] | undefined): string[] {
  if (args === undefined) return [];
  const list = typeof args === 'string' ? [args] : args;
  for (const arg of list) {
    if (UNSAFE_RE.test(arg)) {
      throw new UnsafeBootParameterError(`kernel argument ${JSON.stringify(arg)} contains unsafe ${describe(arg)}`);
    }
  }
  return list.flatMap((arg) => arg.split(' ')).filter((token) => token.length > 0);
}

/** A URL that may be embedded in a boot script as one word. */
export function safeBootUrl(url: string, what: string): URL {
  if (UNSAFE_RE.test(url) || /\s/.test(url)) {
    throw new UnsafeBootParameterError(`${what} ${JSON.stringify(url)} contains unsafe ${describe(url)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeBootParameterError(`${what} ${JSON.stringify(url)} is not an absolute URL`);
  }
  if (!URL_SCHEMES.has(parsed.protocol)) {
    throw new UnsafeBootParameterError(`${what} must be http, https or tftp, got ${parsed.protocol}`);
  }
  return parsed;
}

export interface BootArgsInput {
  kernelArgs?: string | readonly string[];
  stage2Url?: string;
  repoUrl?: string;
}

/** Anaconda's own arguments first, then the caller's. */
export function bootArguments(input: BootArgsInput): string[] {
  const args: string[] = [];
  if (input.stage2Url) args.push(`inst.stage2=${safeBootUrl(input.stage2Url, 'stage2Url').href}`);
  if (input.repoUrl) args.push(`inst.repo=${safeBootUrl(input.repoUrl, 'repoUrl').href}`);
  return [...args, ...sanitizeKernelArgs(input.kernelArgs)];
}
