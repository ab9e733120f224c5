import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  AbortMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';

/** S3's limit for a single CopyObject; larger objects are copied as a multipart upload of ranges. */
const MAX_SINGLE_COPY = 5 * 1024 ** 3;
const COPY_PART = 1024 ** 3;

export function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
}

export function isQuotaExceeded(error: unknown): boolean {
  return (error as { name?: string }).name === 'QuotaExceeded';
}

/** Server-side copy within one bucket; nothing passes through this process. */
export async function copyObject(client: S3Client, bucket: string, from: string, to: string, size: number) {
  const CopySource = `${bucket}/${from}`;
  if (size <= MAX_SINGLE_COPY) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource }));
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to }));
  try {
    const Parts: { PartNumber: number; ETag: string }[] = [];
    for (let start = 0, PartNumber = 1; start < size; start += COPY_PART, PartNumber++) {
      const end = Math.min(size, start + COPY_PART) - 1;
      const part = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: to,
          UploadId,
          PartNumber,
          CopySource,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      Parts.push({ PartNumber, ETag: part.CopyPartResult!.ETag! });
    }
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts } }),
    );
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId })).catch(() => undefined);
    throw error;
  }
}
