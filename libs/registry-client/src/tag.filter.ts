import picomatch from 'picomatch';

// Tags never contain `/`, so picomatch's path semantics do not matter; `dot` lets `*` match tags starting with `.`.
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, nobrace: false };
const GLOB_CHARS = /[*?[\]{}()!+@]/;

/**
 * Tags kept by a remote's include/exclude globs (Pulp semantics): a tag is kept when it matches any include
 * glob (or the include list is empty/absent) and matches no exclude glob. Order is preserved, duplicates dropped.
 */
export function filterTags(tags: Iterable<string>, include?: string[] | null, exclude?: string[] | null): string[] {
  const inc = include?.length ? picomatch(include, GLOB_OPTIONS) : () => true;
  const exc = exclude?.length ? picomatch(exclude, GLOB_OPTIONS) : () => false;
  const kept = new Set<string>();
  for (const tag of tags) if (inc(tag) && !exc(tag)) kept.add(tag);
  return [...kept];
}

/**
 * True when the include list names tags literally (no glob characters), so a sync can fetch those tags
 * directly instead of listing a repository that may hold thousands of tags.
 */
export function isLiteralTagList(include?: string[] | null): include is string[] {
  return !!include?.length && include.every((t) => t.length > 0 && !GLOB_CHARS.test(t));
}
