import type { EntityManager } from 'typeorm';
import type { ContentGraph } from './modify-plan';

/**
 * The tags, manifests (with their children and blobs) and blobs among `ids` and everything they reference,
 * in a fixed number of queries whatever the size (an array is one bind parameter).
 */
export async function loadContentGraph(manager: EntityManager, ids: readonly string[]): Promise<ContentGraph> {
  const all = [...new Set(ids)];
  const tagRows: { id: string; name: string; manifest_id: string }[] = await manager.query(
    'SELECT id, name, manifest_id FROM tags WHERE id = ANY($1::uuid[])',
    [all],
  );
  const firstLevel = [...new Set([...all, ...tagRows.map((row) => row.manifest_id)])];
  const manifestRows: { id: string; is_index: boolean }[] = await manager.query(
    'SELECT id, is_index FROM manifests WHERE id = ANY($1::uuid[])',
    [firstLevel],
  );
  const entryRows: { index_id: string; child_id: string }[] = await manager.query(
    'SELECT index_id, child_id FROM index_entries WHERE index_id = ANY($1::uuid[]) ORDER BY index_id, position',
    [manifestRows.filter((row) => row.is_index).map((row) => row.id)],
  );
  const known = new Set(manifestRows.map((row) => row.id));
  const children = [...new Set(entryRows.map((row) => row.child_id))].filter((id) => !known.has(id));
  if (children.length) {
    manifestRows.push(
      ...((await manager.query('SELECT id, is_index FROM manifests WHERE id = ANY($1::uuid[])', [children])) as {
        id: string;
        is_index: boolean;
      }[]),
    );
  }
  const manifestIds = manifestRows.map((row) => row.id);
  // Files and the config blob; a manifest's config is a blob row found by digest.
  const blobLinks: { manifest_id: string; blob_id: string }[] = await manager.query(
    `SELECT manifest_id, blob_id FROM manifest_layers WHERE manifest_id = ANY($1::uuid[])
     UNION
     SELECT m.id, b.id FROM manifests m JOIN blobs b ON b.digest = m.config_digest WHERE m.id = ANY($1::uuid[])`,
    [manifestIds],
  );
  const blobRows: { id: string }[] = await manager.query('SELECT id FROM blobs WHERE id = ANY($1::uuid[])', [all]);

  const manifests = new Map(
    manifestRows.map((row) => [row.id, { isIndex: row.is_index, children: [] as string[], blobs: [] as string[] }]),
  );
  for (const row of entryRows) manifests.get(row.index_id)?.children.push(row.child_id);
  for (const row of blobLinks) manifests.get(row.manifest_id)?.blobs.push(row.blob_id);
  return {
    tags: new Map(tagRows.map((row) => [row.id, { name: row.name, manifestId: row.manifest_id }])),
    manifests,
    blobs: new Set([...blobRows.map((row) => row.id), ...blobLinks.map((row) => row.blob_id)]),
  };
}
