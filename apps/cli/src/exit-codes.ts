/** Process exit codes, documented in `bootdepot --help`; scripts branch on them, so never renumber. */
export const ExitCode = {
  Ok: 0,
  /** The API refused the request or could not be reached. */
  ApiError: 1,
  /** The command line was wrong (unknown command or option, missing argument). */
  Usage: 2,
  /** A task the command waited for failed or was canceled. */
  TaskFailed: 3,
  /** Interrupted with Ctrl-C (128 + SIGINT), after canceling the task being waited for. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
