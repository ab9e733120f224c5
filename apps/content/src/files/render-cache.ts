import { createHash } from 'node:crypto';

export interface Rendered {
  body: Buffer;
  etag: string;
  contentType: string;
}

/**
 * Generated bodies (listings, .treeinfo, boot scripts) by a key that names everything they depend on
 * (version id, distribution update time, origin, arguments), so entries never need invalidation: old keys
 * simply stop being asked for and age out.
 */
export class RenderCache {
  private readonly entries = new Map<string, Rendered>();

  constructor(private readonly maxEntries = 4096) {}

  get(key: string, render: () => { body: Buffer | string; contentType: string }): Rendered {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const { body, contentType } = render();
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const rendered = {
      body: bytes,
      contentType,
      etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}"`,
    };
    this.entries.set(key, rendered);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return rendered;
  }
}
