import type { ContentGraph } from '@app/domain';

/**
 * What a `modify/` call makes of a version, as pulp_container's recursive add and remove do it:
 *
 * - removing first, from the starting content: a tag goes alone; an index goes with the children and a
 *   manifest with the blobs nothing that stays still references (a remaining tag, index or manifest keeps
 *   what it points at, so a version never holds a tag without its manifest or a manifest without its files);
 *   `*` removes everything the repository's latest version holds (Pulp's meaning, also with a base_version);
 * - then adding: a tag brings its manifest, an index its children, a manifest its layers and config blob;
 * - an added tag replaces a tag of the same name already there (Pulp's `overwrite`, default true), and two
 *   added tags of one name pointing at different manifests are refused, as Pulp refuses duplicate keys.
 *
 * Pure: the caller loads the graph of the units involved (`ContentRepository.graphOf`).
 */
export type { ContentGraph };

export interface ModifyInput {
  /** Content of the starting point: the base version, else the repository's latest version. */
  start: ReadonlySet<string>;
  /** Content of the repository's latest version (what `*` removes). */
  latest: ReadonlySet<string>;
  add: readonly string[];
  remove: readonly string[] | '*';
  overwrite: boolean;
}

/** A tag name the result would hold twice; the message names it and says why. */
export class TagClashError extends Error {
  constructor(
    readonly tag: string,
    message: string,
  ) {
    super(message);
  }
}

/** The content of the new version. */
export function planModification(graph: ContentGraph, input: ModifyInput): Set<string> {
  const removed = input.remove === '*' ? input.latest : recursiveRemoval(graph, input.start, new Set(input.remove));
  const result = new Set([...input.start].filter((id) => !removed.has(id)));
  const added = recursiveAddition(graph, input.add);

  const addedTags = new Map<string, string>();
  for (const id of input.add) {
    const tag = graph.tags.get(id);
    if (!tag) continue;
    const other = addedTags.get(tag.name);
    if (other !== undefined && other !== id) {
      throw new TagClashError(
        tag.name,
        `add_content_units holds two tags named ${JSON.stringify(tag.name)} that point at different manifests`,
      );
    }
    addedTags.set(tag.name, id);
  }
  for (const id of result) {
    const tag = graph.tags.get(id);
    const replacement = tag && addedTags.get(tag.name);
    if (!tag || replacement === undefined || replacement === id) continue;
    if (!input.overwrite) {
      throw new TagClashError(
        tag.name,
        `tag ${JSON.stringify(tag.name)} is already in the version and points at another manifest; ` +
          'overwrite is false, so it is not replaced',
      );
    }
    result.delete(id);
  }
  for (const id of added) result.add(id);
  return result;
}

/** The units `ids` names plus everything they reference: tag → manifest, index → children, manifest → blobs. */
export function recursiveAddition(graph: ContentGraph, ids: readonly string[]): Set<string> {
  const out = new Set<string>();
  const manifests: string[] = [];
  for (const id of ids) {
    const tag = graph.tags.get(id);
    if (tag) {
      out.add(id);
      manifests.push(tag.manifestId);
    } else if (graph.manifests.has(id)) manifests.push(id);
    else if (graph.blobs.has(id)) out.add(id);
  }
  const visit = (id: string) => {
    if (out.has(id)) return;
    const manifest = graph.manifests.get(id);
    if (!manifest) return;
    out.add(id);
    manifest.children.forEach(visit);
    for (const blob of manifest.blobs) out.add(blob);
  };
  manifests.forEach(visit);
  return out;
}

/**
 * The units of `start` to remove for a request naming `requested`: named units and what they reference,
 * minus whatever a unit that stays references (pulp_container's must_remain, level by level).
 */
export function recursiveRemoval(
  graph: ContentGraph,
  start: ReadonlySet<string>,
  requested: ReadonlySet<string>,
): Set<string> {
  const inStart = (ids: Iterable<string>) => [...ids].filter((id) => start.has(id));
  const tagsInStart = inStart(graph.tags.keys());
  const indexesInStart = inStart(graph.manifests.keys()).filter((id) => graph.manifests.get(id)!.isIndex);
  const imagesInStart = inStart(graph.manifests.keys()).filter((id) => !graph.manifests.get(id)!.isIndex);
  const blobsInStart = inStart(graph.blobs);

  const tagsToRemove = new Set(tagsInStart.filter((id) => requested.has(id)));
  const taggedKept = new Set(
    tagsInStart.filter((id) => !tagsToRemove.has(id)).map((id) => graph.tags.get(id)!.manifestId),
  );
  const taggedGoing = new Set([...tagsToRemove].map((id) => graph.tags.get(id)!.manifestId));

  const indexesToRemove = new Set(
    indexesInStart.filter((id) => (requested.has(id) || taggedGoing.has(id)) && !taggedKept.has(id)),
  );
  const listedKept = new Set(
    indexesInStart.filter((id) => !indexesToRemove.has(id)).flatMap((id) => graph.manifests.get(id)!.children),
  );
  const listedGoing = new Set([...indexesToRemove].flatMap((id) => graph.manifests.get(id)!.children));

  const imagesToRemove = new Set(
    imagesInStart.filter(
      (id) =>
        (requested.has(id) || taggedGoing.has(id) || listedGoing.has(id)) && !taggedKept.has(id) && !listedKept.has(id),
    ),
  );
  const blobsKept = new Set(
    imagesInStart.filter((id) => !imagesToRemove.has(id)).flatMap((id) => graph.manifests.get(id)!.blobs),
  );
  const blobsGoing = new Set([...imagesToRemove].flatMap((id) => graph.manifests.get(id)!.blobs));
  const blobsToRemove = blobsInStart.filter((id) => (requested.has(id) || blobsGoing.has(id)) && !blobsKept.has(id));

  return new Set([...tagsToRemove, ...indexesToRemove, ...imagesToRemove, ...blobsToRemove]);
}
