import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopRgw } from './rgw';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's one RGW lives once a test asked for it (test/support/rgw.ts). */
    rgwRunDir: string;
    /** The vitest main process: the RGW's watchdog stops the daemons when it disappears. */
    rgwOwnerPid: number;
  }
}

/**
 * Root-level global setup: reserves a folder for one throwaway RGW per test run. Nothing starts here; the first
 * test that calls `useRgw()` starts it (so `npm run test:unit` without S3 tests never pays the ~20 s), and the
 * teardown stops it whatever happened to the tests.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = await mkdtemp(join(tmpdir(), 'bootdepot-rgw-run-'));
  project.provide('rgwRunDir', runDir);
  project.provide('rgwOwnerPid', process.pid);
  return () => stopRgw(runDir);
}
