import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';

/** The native `sendfile(2)` binding (apps/content/native/sendfile.c, built by scripts/build-native.mjs). */
export interface SendfileBinding {
  /** Bytes the socket took (0 only when the file ends at `position`), or a negative errno (-EAGAIN: socket full). */
  send(socketFd: number, fileFd: number, position: number, length: number): number;
}

export const EAGAIN = constants.errno.EAGAIN;

/** Where `npm run build` puts the binding: `dist/native/sendfile.node` under the checkout's root. */
export function sendfileBindingPath(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, 'dist', 'native', 'sendfile.node');
}

/** The binding, or why there is none (the content app then copies every body through its own buffers). */
export function loadSendfile(path = sendfileBindingPath()): { binding: SendfileBinding } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `sendfile(2) is used on Linux only, not ${process.platform}` };
  if (!existsSync(path)) return { reason: `${path} was not built (npm run build needs a C compiler)` };
  try {
    return { binding: require(path) as SendfileBinding };
  } catch (error) {
    return { reason: `${path} did not load: ${(error as Error).message}` };
  }
}

/** The content process's choice, made at start (`useSendfile`): null copies every body through buffers. */
export const contentSendfile: { binding: SendfileBinding | null } = { binding: null };

/** Turns sendfile on when the binding loads; returns why it is off otherwise. */
export function useSendfile(enabled: boolean): string | null {
  if (!enabled) {
    contentSendfile.binding = null;
    return 'CONTENT_SENDFILE=off';
  }
  const loaded = loadSendfile();
  contentSendfile.binding = 'binding' in loaded ? loaded.binding : null;
  return 'reason' in loaded ? loaded.reason : null;
}
