import { describe, expect, it } from 'vitest';
import { syncArgs } from './tasks';

describe('syncArgs', () => {
  const repository = { id: 'r1', remoteId: 'own' };

  it("takes the run's remote over the repository's own", () => {
    expect(syncArgs(repository, 'other', { mirror: true })).toEqual({
      repositoryId: 'r1',
      remoteId: 'other',
      mirror: true,
    });
  });

  it("falls back to the repository's remote and an additive sync", () => {
    expect(syncArgs(repository, null, {})).toEqual({ repositoryId: 'r1', remoteId: 'own', mirror: false });
    expect(syncArgs(repository, undefined, { mirror: undefined })?.remoteId).toBe('own');
  });

  it('is null when neither names a remote', () => {
    expect(syncArgs({ id: 'r1', remoteId: null }, null, { mirror: true })).toBeNull();
  });
});
