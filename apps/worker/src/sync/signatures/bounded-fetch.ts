import { linkedSignal } from '@app/registry-client';

/** A GET that gives up after `timeoutMs` and refuses bodies over `maxBytes`: what a lookaside store may cost. */
export type BoundedAnswer = { status: 404 } | { status: 200; body: Buffer } | { status: 'error'; reason: string };

export async function boundedGet(
  url: string,
  options: { maxBytes: number; timeoutMs: number; signal: AbortSignal },
): Promise<BoundedAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  // Not AbortSignal.any(): on Node 20 it leaves a listener on the sync's signal for every lookaside request.
  const { signal, unlink } = linkedSignal(options.signal, timeout);
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (response.status === 404) {
      await response.body?.cancel();
      return { status: 404 };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { status: 'error', reason: `${url} answered HTTP ${response.status}` };
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      return {
        status: 'error',
        reason: `${url} announces ${declared} bytes, more than the ${options.maxBytes}-byte limit`,
      };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > options.maxBytes) {
        return { status: 'error', reason: `${url} sent more than the ${options.maxBytes}-byte limit` };
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { status: 200, body: Buffer.concat(chunks, size) };
  } catch (error) {
    options.signal.throwIfAborted();
    if (timeout.aborted) return { status: 'error', reason: `${url} did not answer within ${options.timeoutMs} ms` };
    return { status: 'error', reason: `${url} failed: ${(error as Error).message}` };
  } finally {
    unlink();
  }
}
