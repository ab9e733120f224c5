const MAX_TITLE_BYTES = 255;
// C0, DEL and C1 controls: invisible in logs and listings, and NUL ends a path in the kernel.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a layer title cannot be used as a file name, or null when it can. A title becomes a path segment
 * in the content app and in `oras pull` output, so anything but a single plain name is refused.
 */
export function titleProblem(title: string): string | null {
  if (title.length === 0) return 'is empty';
  if (CONTROL_RE.test(title)) return 'contains control characters';
  if (title === '.' || title === '..' || title.includes('/') || title.includes('\\')) {
    return 'is not a plain file name';
  }
  if (Buffer.byteLength(title, 'utf8') > MAX_TITLE_BYTES) return `is longer than ${MAX_TITLE_BYTES} bytes`;
  return null;
}

export function isPlainFileName(title: string): boolean {
  return titleProblem(title) === null;
}
