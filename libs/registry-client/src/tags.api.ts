import { parseNextLink } from './link-header.parser';
import type { RegistryRequester } from './registry.requester';
import { assertRepositoryName, sameOrigin } from './url.util';

export interface ListTagsOptions {
  /** `n=` per page; registries that ignore it (distribution 2.8) return everything at once. Default 1000. */
  pageSize?: number;
  signal?: AbortSignal;
}

// A registry that keeps handing out `next` links without new tags would otherwise loop forever.
const MAX_PAGES = 10_000;

/**
 * All tags of a repository, following `Link: <…>; rel="next"`. Copes with registries that ignore `n`/`last`
 * (returning every tag on each page, or no Link at all): tags are deduplicated, and listing stops at a page
 * that adds nothing new or at a link already followed. Order is the registry's (not necessarily sorted).
 */
export async function listTags(
  requester: RegistryRequester,
  name: string,
  options: ListTagsOptions = {},
): Promise<string[]> {
  assertRepositoryName(name);
  const tags = new Set<string>();
  const seen = new Set<string>();
  let url: URL | undefined = requester.resolve(`/v2/${name}/tags/list?n=${options.pageSize ?? 1000}`);
  for (let page = 0; url && page < MAX_PAGES; page++) {
    seen.add(url.toString());
    const current: URL = url;
    const { added, next } = await requester.run({
      method: 'GET',
      repository: name,
      signal: options.signal,
      build: () => ({ path: current, headers: { accept: 'application/json' } }),
      handle: async (res, finalUrl) => {
        const body = (await res.body.json()) as { tags?: unknown };
        const before = tags.size;
        // distribution answers `"tags": null` for a repository whose tags were all deleted.
        if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') tags.add(t);
        const link = parseNextLink(res.headers.link);
        return { added: tags.size - before, next: link ? new URL(link, finalUrl) : undefined };
      },
    });
    const loops = !next || seen.has(next.toString()) || !sameOrigin(next, current);
    url = added > 0 && !loops ? next : undefined;
  }
  return [...tags];
}
