import { kernelArgsProblem, UNSAFE_KERNEL_ARG_CHARACTERS } from '@app/netboot';
import { ValidationOptions, registerDecorator } from 'class-validator';

function define(
  name: string,
  test: (value: unknown) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate: test },
    });
}

export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.hash;
  } catch {
    return false;
  }
}

/** An absolute http(s) URL; hostnames without a dot (localhost, registry) are fine. */
export const IsHttpUrl = (options?: ValidationOptions) =>
  define('isHttpUrl', isHttpUrl, '$property must be an absolute http:// or https:// URL', options);

/**
 * No `user:password@` in a URL: it would be echoed in answers and lists and stored in the clear. The
 * message names the write-only, encrypted fields meant for the credentials.
 */
export const HasNoUserInfo = (fields: string, options?: ValidationOptions) =>
  define(
    'hasNoUserInfo',
    (value) => {
      if (typeof value !== 'string') return true; // the URL validator reports the type
      try {
        const url = new URL(value);
        return url.username === '' && url.password === '';
      } catch {
        return true;
      }
    },
    `$property must not contain credentials (user:password@); give them in ${fields}, which are write-only and encrypted at rest`,
    options,
  );

export const IsPem = (label: 'CERTIFICATE' | 'PRIVATE KEY', options?: ValidationOptions) =>
  define(
    'isPem',
    (value) =>
      typeof value === 'string' &&
      value.length <= 65536 &&
      new RegExp(`-----BEGIN [A-Z ]*${label}-----[\\s\\S]+-----END [A-Z ]*${label}-----`).test(value),
    `$property must be PEM text (-----BEGIN ${label}-----)`,
    options,
  );

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'authorization']);

export const IsHeaderMap = (options?: ValidationOptions) =>
  define(
    'isHeaderMap',
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length <= 64 &&
      Object.entries(value).every(
        ([name, v]) =>
          HEADER_NAME.test(name) &&
          !FORBIDDEN_HEADERS.has(name.toLowerCase()) &&
          typeof v === 'string' &&
          v.length <= 4096 &&
          !/[\r\n\0]/.test(v),
      ),
    '$property must map header names to single-line string values (not Host, Authorization, Content-Length, Transfer-Encoding, Connection)',
    options,
  );

/**
 * Kernel arguments the boot-script renderers accept: the same function decides both, so a value the API
 * stores can never make `boot.ipxe` or `grub.cfg` fail (a 500 for every host of the distribution).
 */
export const IsKernelArgs = (options?: ValidationOptions) =>
  define(
    'isKernelArgs',
    (value) => typeof value === 'string' && kernelArgsProblem(value) === null,
    `$property must be one line without ${UNSAFE_KERNEL_ARG_CHARACTERS}`,
    options,
  );
