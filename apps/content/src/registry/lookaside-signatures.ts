import type { DataSource } from 'typeorm';

/** Where the content app serves the simple signatures it mirrored: `<prefix>/<repo>@sha256=<hex>/signature-N`. */
export const LOOKASIDE_PREFIX = '/lookaside';
export const LOOKASIDE_RE = /^\/lookaside\/(.+)@sha256=([0-9a-f]{64})\/signature-([1-9][0-9]{0,2})$/;

/**
 * The simple signatures a sync verified and kept with a manifest's verdict (`manifest_signatures.simple_signatures`).
 * Read per request: a lookaside fetch happens once per pull and verification, far off the file-serving path.
 */
export class LookasideSignatures {
  constructor(private readonly dataSource: DataSource) {}

  /** The n-th (1-based) signature of a manifest, or null. */
  async signature(manifestId: string, n: number): Promise<Buffer | null> {
    const rows: { signature: Buffer | null }[] = await this.dataSource.query(
      'SELECT simple_signatures[$2] AS signature FROM manifest_signatures WHERE manifest_id = $1',
      [manifestId, n],
    );
    return rows[0]?.signature ?? null;
  }
}
