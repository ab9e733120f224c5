// The generated client names fetch's DOM types; tsconfig.build.json does not include types/, so bring them in.
import { createClient, type Client } from '../../../../openapi/client/client';
import type { CliConfig } from '../config/cli-config';
import { ApiError, ConnectionError } from './api-error';

/**
 * The generated client for the resolved config. The document offers Basic or Bearer on every
 * operation; answering only the chosen scheme keeps the client from sending both headers.
 */
export function createApiClient(config: CliConfig): Client {
  const { credentials } = config;
  return createClient({
    baseUrl: config.url,
    auth: (auth) => {
      if (credentials.kind === 'bearer' && auth.scheme === 'bearer') return credentials.token;
      if (credentials.kind === 'basic' && auth.scheme === 'basic') {
        // The client base64-encodes with btoa, which takes Latin-1: hand it the UTF-8 bytes as such.
        return Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('latin1');
      }
      return undefined;
    },
  });
}

interface SdkResult<T> {
  data?: T;
  error?: unknown;
  request?: Request;
  response?: Response;
}

/** Awaits an SDK call and returns its data, or throws an ApiError / ConnectionError saying what went wrong. */
export async function call<T>(pending: Promise<SdkResult<T>>): Promise<T> {
  const { data, error, request, response } = await pending;
  if (!response) throw new ConnectionError(request?.url ?? '', error);
  if (!response.ok) throw new ApiError(response.status, request?.method ?? '', request?.url ?? '', error);
  return data as T;
}
