import type { ContentCount } from '../../../../openapi/client/types.gen';

/** `{netboot.tag: {count: 3}, netboot.blob: {count: 9}}` → `3 tag, 9 blob`, short enough for a table cell. */
export function summaryText(counts: Record<string, ContentCount>): string {
  return Object.entries(counts)
    .map(([type, { count }]) => `${count} ${type.replace(/^netboot\./, '')}`)
    .join(', ');
}
