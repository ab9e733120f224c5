import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentNetbootBlobsRead,
  contentNetbootManifestsRead,
  contentNetbootTagsRead,
} from '../../openapi/client/sdk.gen';
import { Stack, startStack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => stack?.stop());

describe('content detail routes', () => {
  const reads = { blob: contentNetbootBlobsRead, manifest: contentNetbootManifestsRead, tag: contentNetbootTagsRead };

  it.each(Object.entries(reads))(
    'answer 404 for a %s id that is not a UUID, and for an unknown one',
    async (_, read) => {
      for (const id of ['not-a-uuid', "1' OR '1'='1", '00000000-0000-0000-0000-000000000000']) {
        const { response } = await read({ client: stack.client, path: { id } });
        expect(response.status, id).toBe(404);
      }
    },
  );
});
