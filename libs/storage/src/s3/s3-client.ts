import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientSettings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

/**
 * One S3 client for a process. Credentials come from the SDK's default chain (environment, shared profile, web
 * identity, instance metadata) and are never part of bootdepot's configuration, so they cannot end up in its logs.
 * Checksums only where S3 requires them: every blob is verified by its SHA-256 digest already, and some
 * S3-compatible servers (Ceph 16) do not know the SDK's newer trailing checksums.
 */
export function createS3Client(settings: S3ClientSettings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
