const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Percent-encodes each segment of a path, keeping the slashes (names may contain `:`, `+`, spaces). */
export function encodePath(segments: readonly string[]): string {
  return segments.map((segment) => encodeURIComponent(segment).replace(/%3A/gi, ':')).join('/');
}
