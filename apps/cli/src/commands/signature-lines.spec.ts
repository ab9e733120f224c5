import { describe, expect, it } from 'vitest';
import { signatureLines } from './signature-lines';

describe('signature lines of a finished sync', () => {
  it('prints the summary and one line per skipped tag, nothing when no policy was applied', () => {
    const reports = [
      { code: 'sync.listing.tags', message: 'Listing tags' },
      { code: 'sync.verifying.signatures', message: 'Verifying signatures: 1 of 2 tags verified, 1 skipped' },
      { code: 'sync.signatures.skipped:41', message: 'tag 41 (sha256:ab) skipped: unsigned: no cosign signature tag' },
    ];
    expect(signatureLines(reports)).toEqual([
      'signatures: 1 of 2 tags verified, 1 skipped',
      '  tag 41 (sha256:ab) skipped: unsigned: no cosign signature tag',
    ]);
    expect(signatureLines(reports.slice(0, 1))).toEqual([]);
  });
});
