import { describe, expect, it } from 'vitest';
import { CLAIM_TYPES, checkClaim, repositoryOf } from './signature-claim';

const digest = `sha256:${'1'.repeat(64)}`;
const claim = (reference: string, named = digest, type: string = CLAIM_TYPES.simpleSigning) =>
  Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': named }, type },
      optional: {},
    }),
  );
const expectation = { type: CLAIM_TYPES.simpleSigning, digest, repository: 'pulp/netboot' };

describe('signature claims', () => {
  it('reads the repository of a docker reference, with or without host, tag and digest', () => {
    expect(repositoryOf('quay.io/pulp/netboot:40')).toBe('pulp/netboot');
    expect(repositoryOf('127.0.0.1:5000/pulp/netboot@sha256:abc')).toBe('pulp/netboot');
    expect(repositoryOf('localhost/pulp/netboot')).toBe('pulp/netboot');
    expect(repositoryOf('fedora:40')).toBe('library/fedora');
    expect(repositoryOf('docker.io/fedora')).toBe('library/fedora');
    expect(repositoryOf('pulp/netboot:40')).toBe('pulp/netboot');
  });

  it('holds only for this digest, this repository and the expected claim type', () => {
    expect(checkClaim(claim('quay.io/pulp/netboot:40'), expectation)).toBeNull();
    expect(checkClaim(claim('quay.io/pulp/netboot:40', `sha256:${'2'.repeat(64)}`), expectation)).toMatch(
      /is for manifest sha256:2{64}, not sha256:1{64}/,
    );
    expect(checkClaim(claim('quay.io/evil/netboot:40'), expectation)).toMatch(/repository "evil\/netboot"/);
    expect(checkClaim(claim('quay.io/pulp/netboot', digest, CLAIM_TYPES.cosign), expectation)).toMatch(/of type/);
    expect(checkClaim(Buffer.from('not json'), expectation)).toBe('the signed payload is not JSON');
    expect(checkClaim(Buffer.from('null'), expectation)).toMatch(/no "critical"/);
  });
});
