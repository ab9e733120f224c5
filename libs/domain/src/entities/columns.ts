import { ValueTransformer } from 'typeorm';

/** PostgreSQL returns bigint as a string; our sizes fit a JS number (< 2^53). */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
