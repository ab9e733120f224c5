import type { ReadRange } from './storage.driver';

/** Checks a byte count or size handed to a driver: callers' arithmetic errors fail here, not in a syscall. */
export function assertByteCount(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
}

/** Checks an inclusive byte range of `openRead`, the same for every driver (the conformance suite expects it). */
export function assertReadRange({ start, end }: ReadRange): void {
  assertByteCount(start, 'range start');
  assertByteCount(end, 'range end');
  if (start !== undefined && end !== undefined && start > end) {
    throw new RangeError(`range start ${start} is after range end ${end}`);
  }
}
