import { ContentEntity, createDataSource, RepositoryVersionsRepository, versionTagOutline } from '@app/domain';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoriesNetbootOciCreate } from '../../openapi/client/sdk.gen';
import { idOf, Stack, startStack } from '../support/stack';

let stack: Stack;
let dataSource: DataSource;
let versions: RepositoryVersionsRepository;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  dataSource = await createDataSource(stack.databaseUrl).initialize();
  versions = new RepositoryVersionsRepository(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await stack?.stop();
});

async function units(count: number): Promise<string[]> {
  const rows = await dataSource
    .getRepository(ContentEntity)
    .save(Array.from({ length: count }, () => ({ kind: 'tag' as const })));
  return rows.map((row) => row.id);
}

async function newRepository(name: string): Promise<string> {
  const { data } = await repositoriesNetbootOciCreate({ client: stack.client, body: { name } });
  return idOf(data!.pulp_href);
}

const contentOf = async (repo: string, n: number) => (await versions.contentIdsOf(repo, n)).sort();
const change = (repo: string, add: string[], remove: string[] = []) =>
  dataSource.transaction((manager) => versions.createVersion(manager, repo, { add, remove }));

describe('repository versions as content ranges', () => {
  it('creates versions from the latest one and none when nothing changes', async () => {
    const repo = await newRepository('ranges');
    const [a, b, c] = await units(3);
    expect((await change(repo, [a!, b!]))!.number).toBe(1);
    expect(await change(repo, [a!])).toBeNull();
    expect((await change(repo, [c!], [a!]))!.number).toBe(2);
    expect(await contentOf(repo, 0)).toEqual([]);
    expect(await contentOf(repo, 1)).toEqual([a, b].sort());
    expect(await contentOf(repo, 2)).toEqual([b, c].sort());
    const summaries = await versions.summaries(repo, [1, 2]);
    expect(summaries.get(2)).toEqual({ added: { tag: 1 }, removed: { tag: 1 }, present: { tag: 2 } });
  });

  it('deleting a middle version leaves every other version with exactly its content', async () => {
    const repo = await newRepository('delete-middle');
    const [a, b, c, d] = await units(4);
    await change(repo, [a!, b!]); // 1: a b
    await change(repo, [c!], [a!]); // 2: b c
    await change(repo, [a!, d!], [c!]); // 3: a b d   (a removed in 2, back in 3; c lived only in 2)
    const before = [await contentOf(repo, 1), await contentOf(repo, 3)];
    await dataSource.transaction(async (manager) =>
      versions.deleteVersion(manager, (await versions.findVersion(repo, 2))!),
    );
    expect([await contentOf(repo, 1), await contentOf(repo, 3)]).toEqual(before);
    const summary = (await versions.summaries(repo, [3])).get(3)!;
    // Measured against version 1 now: d added, nothing removed; a is continuous, not removed and re-added.
    expect(summary).toEqual({ added: { tag: 1 }, removed: {}, present: { tag: 3 } });
    const [row] = await dataSource.query(
      `SELECT base_version_number FROM repository_versions WHERE repository_id = $1 AND number = 3`,
      [repo],
    );
    expect(row.base_version_number).toBe(1);
    const rows = await dataSource.query(
      `SELECT count(*)::int AS n FROM repository_content WHERE repository_id = $1 AND content_id = $2`,
      [repo, a],
    );
    expect(rows[0].n).toBe(1);
  });

  it('deleting the latest version makes the previous one latest again and numbers are not reused', async () => {
    const repo = await newRepository('delete-latest');
    const [a, b] = await units(2);
    await change(repo, [a!]); // 1
    await change(repo, [b!], [a!]); // 2
    await dataSource.transaction(async (manager) =>
      versions.deleteVersion(manager, (await versions.findVersion(repo, 2))!),
    );
    expect((await versions.findLatestVersion(repo))!.number).toBe(1);
    expect(await contentOf(repo, 1)).toEqual([a]);
    const next = await change(repo, [b!]);
    expect(next!.number).toBe(3);
    expect(await contentOf(repo, 3)).toEqual([a, b].sort());
  });

  it("writes each version's tag outline with it, still true for the next version when a version is deleted", async () => {
    const repo = await newRepository('outlines');
    const rows = await dataSource.query<{ id: string }[]>(
      `WITH c AS (INSERT INTO content (kind) VALUES ('manifest') RETURNING id)
       INSERT INTO manifests (id, digest, media_type, raw)
         SELECT id, 'sha256:' || repeat('b', 64), 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d'::bytea FROM c
       RETURNING id`,
    );
    const tags = await units(5);
    await dataSource.query(
      `INSERT INTO tags (id, name, manifest_id) SELECT id, 'v' || ordinality, $2 FROM unnest($1::uuid[]) WITH ORDINALITY id`,
      [tags, rows[0]!.id],
    );
    const [t1, t2, t3, t4, t5] = tags;
    await change(repo, [t1!, t2!, t3!]); // 1: v1 v2 v3
    await change(repo, [t4!, t5!], [t1!]); // 2: v2 v3 v4 v5
    await change(repo, [t1!], [t3!]); // 3: v1 v2 v4 v5
    const kept = async (number: number) => {
      const version = (await versions.findVersion(repo, number))!;
      const [row] = await dataSource.query(
        'SELECT tag_count, spacing, marks FROM repository_version_tag_outlines WHERE version_id = $1',
        [version.id],
      );
      // What working it out afresh gives (the row is put back by the same call).
      await dataSource.query('DELETE FROM repository_version_tag_outlines WHERE version_id = $1', [version.id]);
      const afresh = await versionTagOutline(dataSource.manager, version);
      return { kept: row && { count: row.tag_count, spacing: row.spacing, marks: row.marks }, afresh };
    };
    for (const [number, count] of [
      [1, 3],
      [2, 4],
      [3, 4],
    ] as const) {
      const { kept: stored, afresh } = await kept(number);
      expect(stored).toEqual(afresh);
      expect(stored.count).toBe(count);
      expect(stored.marks).toEqual(['v' + (number === 2 ? 2 : 1)]);
    }
    await dataSource.transaction(async (manager) =>
      versions.deleteVersion(manager, (await versions.findVersion(repo, 2))!),
    );
    const { kept: third, afresh } = await kept(3);
    expect(third).toEqual(afresh);
    expect(third.count).toBe(4);
  });

  it('handles more units than one statement may bind', async () => {
    const repo = await newRepository('many');
    const ids = await units(25_000);
    await change(repo, ids);
    expect((await versions.contentIdsOf(repo, 1)).length).toBe(25_000);
    await change(repo, [], ids.slice(0, 12_000));
    expect((await versions.contentIdsOf(repo, 2)).length).toBe(13_000);
  });
});
