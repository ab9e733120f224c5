import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../returning';

/** API tokens looked up by the SHA-256 of the secret; the secret itself is never stored. */
@Injectable()
export class ApiTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The unexpired token with this hash, its last use recorded; null when there is none. */
  async useToken(tokenHash: string): Promise<{ id: string; expiresAt: Date | null } | null> {
    const [row] = returnedRows<{ id: string; expires_at: Date | null }>(
      await this.dataSource.query(
        `UPDATE api_tokens SET last_used_at = now()
          WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > now())
          RETURNING id, expires_at`,
        [tokenHash],
      ),
    );
    return row ? { id: row.id, expiresAt: row.expires_at } : null;
  }

  /** Whether an unexpired token has this hash (a read only: the content path records no use). */
  async isValid(tokenHash: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM api_tokens WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > now())',
      [tokenHash],
    );
    return rows.length > 0;
  }
}
