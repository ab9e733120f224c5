import { ExitCode } from './exit-codes';

/** An error the CLI reports as one message and a chosen exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.ApiError,
  ) {
    super(message);
  }
}

/** The command line itself is wrong; the message is followed by a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command words the help pointer should name, e.g. `repository sync`. */
    readonly commandPath: string[] = [],
  ) {
    super(message, ExitCode.Usage);
  }
}
