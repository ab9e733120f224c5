import { CliError } from '../cli-error';
import { ExitCode } from '../exit-codes';

interface ErrorBody {
  detail?: unknown;
  errors?: unknown;
  correlation_id?: unknown;
}

/** An error answer from the API, in its one body shape `{detail, errors?, correlation_id}`. */
export class ApiError extends CliError {
  readonly detail: string;
  readonly fieldErrors: Record<string, string[]>;
  readonly correlationId?: string;

  constructor(
    readonly status: number,
    method: string,
    url: string,
    body: unknown,
  ) {
    const parsed = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
    const detail =
      typeof parsed.detail === 'string'
        ? parsed.detail
        : typeof body === 'string' && body
          ? body.slice(0, 200)
          : `${method} ${url} answered HTTP ${status}`;
    super(detail, ExitCode.ApiError);
    this.detail = detail;
    this.fieldErrors = isFieldErrors(parsed.errors) ? parsed.errors : {};
    this.correlationId = typeof parsed.correlation_id === 'string' ? parsed.correlation_id : undefined;
  }
}

function isFieldErrors(value: unknown): value is Record<string, string[]> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'))
  );
}

/** The API could not be reached at all (refused, DNS, TLS). */
export class ConnectionError extends CliError {
  constructor(url: string, cause: unknown) {
    const reason = (cause as { cause?: { code?: string; message?: string } })?.cause;
    const why = reason?.code ?? reason?.message ?? (cause as Error)?.message ?? String(cause);
    super(`cannot reach the bootdepot API at ${new URL(url || 'http://unknown').origin}: ${why}`, ExitCode.ApiError);
  }
}

/**
 * The lines an API error prints: the detail, then one line per field naming the option that sets
 * it (`--upstream-name`), since the user typed options, not JSON fields.
 */
export function describeApiError(error: ApiError, optionForField: (field: string) => string | undefined): string[] {
  const lines = [`error: ${error.detail} (HTTP ${error.status})`];
  for (const [field, messages] of Object.entries(error.fieldErrors)) {
    const option = optionForField(field);
    for (const message of messages) lines.push(`  ${option ? `${option} (${field})` : field}: ${message}`);
  }
  if (error.status === 401) {
    lines.push(
      '  give credentials with --password/BOOTDEPOT_PASSWORD or --token/BOOTDEPOT_TOKEN (see bootdepot --help)',
    );
  }
  if (error.status >= 500 && error.correlationId) lines.push(`  correlation id: ${error.correlationId}`);
  return lines;
}
