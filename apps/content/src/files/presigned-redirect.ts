import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StorageDriver } from '@app/storage';
import type { EntityMeta } from '../http/entity.sender';
import type { BlobRef } from '../resolve/content-views';

/**
 * CONTENT_REDIRECT=presigned: a blob GET that passed the guards and the conditional checks is answered with a 302
 * to a short-lived URL of the object store, which then carries the bytes (and the Range) itself. Content-Type and
 * Content-Disposition are part of the signature, so the store answers with ours and nobody can change them.
 */
export class PresignedRedirect {
  constructor(
    private readonly storage: StorageDriver & Required<Pick<StorageDriver, 'presignRead'>>,
    private readonly expiresInSeconds: number,
  ) {}

  static for(storage: StorageDriver, expiresInSeconds: number): PresignedRedirect {
    if (!storage.presignRead) throw new Error(`CONTENT_REDIRECT=presigned needs an object store, got ${storage.kind}`);
    return new PresignedRedirect(
      storage as StorageDriver & Required<Pick<StorageDriver, 'presignRead'>>,
      expiresInSeconds,
    );
  }

  /**
   * Only GET: a presigned URL is signed for one method, and HEAD is answered from what is known here anyway. Not
   * for the UEFI HTTP boot client: OVMF (edk2 2022.11) prints "HTTP ERROR: Resource Redirected … 302 Found" and
   * gives up on the boot (measured in test/storage/s3-netboot.e2e.ts), so firmware gets the bytes streamed.
   */
  accepts(req: IncomingMessage): boolean {
    return req.method === 'GET' && !req.headers['user-agent']?.startsWith('UefiHttpBoot/');
  }

  /** Sends the 302 and resolves true, or resolves false when the blob is not stored (on-demand must fetch it). */
  async send(res: ServerResponse, blob: BlobRef, entity: EntityMeta, fileName: string | undefined): Promise<boolean> {
    if (!(await this.storage.stat(blob.digest))) return false;
    const location = await this.storage.presignRead(blob.digest, {
      contentType: entity.contentType,
      contentDisposition: fileName === undefined ? undefined : contentDisposition(fileName),
      expiresInSeconds: this.expiresInSeconds,
    });
    const headers = ['Location', location, 'Cache-Control', 'no-store', 'Content-Length', '0'];
    if (entity.headers) for (const name in entity.headers) headers.push(name, String(entity.headers[name]));
    res.writeHead(302, headers);
    res.end();
    return true;
  }
}

/** `inline` keeps browsers showing text files; the name makes `wget --content-disposition` save the title. */
export function contentDisposition(fileName: string): string {
  return /^[A-Za-z0-9._+-]+$/.test(fileName)
    ? `inline; filename="${fileName}"`
    : `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
