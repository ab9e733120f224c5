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

/** The characters `kernelArgsProblem` refuses, as people read them (API error messages, docs). */
export const UNSAFE_KERNEL_ARG_CHARACTERS = 'control characters (tab, line breaks), quotes, ` $ \\ ; & | < > { } #';

/**
 * THE rule for kernel arguments, shared by the API (which refuses a bad `kernel_args` with a 400) and the
 * renderers (which refuse to write it into a script): one definition, so nothing the API stores can make a
 * boot script fail to render. Returns why `text` is refused, or null when it is safe.
 */
export function kernelArgsProblem(text: string): string | null {
  return UNSAFE_RE.test(text) ? `contains unsafe ${describe(text)}` : null;
}

/** Splits and checks kernel arguments; throws `UnsafeBootParameterError` naming the first bad character. */
export function sanitizeKernelArgs(args: string | readonly string[] | undefined): string[] {
  if (args === undefined) return [];
  const list = typeof args === 'string' ? [args] : args;
  for (const arg of list) {
    const problem = kernelArgsProblem(arg);
    if (problem) throw new UnsafeBootParameterError(`kernel argument ${JSON.stringify(arg)} ${problem}`);
  }
  return list.flatMap((arg) => arg.split(' ')).filter((token) => token.length > 0);
}

/**
 * Why `url` cannot be embedded in a boot script as one word, or null. Shared with the configuration check
 * of CONTENT_ORIGIN, so an origin the renderers would refuse stops start-up instead of failing every script.
 */
export function bootUrlProblem(url: string): string | null {
  if (UNSAFE_RE.test(url) || /\s/.test(url)) return `contains unsafe ${describe(url)}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (!URL_SCHEMES.has(parsed.protocol)) return `must be http, https or tftp, got ${parsed.protocol}`;
  return null;
}

/** A URL that may be embedded in a boot script as one word. */
export function safeBootUrl(url: string, what: string): URL {
  const problem = bootUrlProblem(url);
  if (problem) throw new UnsafeBootParameterError(`${what} ${JSON.stringify(url)} ${problem}`);
  return new URL(url);
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
