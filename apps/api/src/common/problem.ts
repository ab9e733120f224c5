import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error body every endpoint answers with. */
export class ErrorResponse {
  @ApiProperty({ description: 'What went wrong, in words a person can act on.' })
  detail: string;

  @ApiPropertyOptional({
    description: 'Per-field messages for a request that failed validation, keyed by field name (dotted for nested).',
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  errors?: Record<string, string[]>;

  @ApiProperty({ description: 'Echoes the Correlation-ID response header; quote it when reporting a problem.' })
  correlation_id: string;
}

/** A caller's mistake carrying field-level messages; becomes a 400. */
export class FieldErrors extends Error {
  constructor(readonly errors: Record<string, string[]>) {
    super(
      Object.entries(errors)
        .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
        .join('; '),
    );
  }

  static of(field: string, message: string): FieldErrors {
    return new FieldErrors({ [field]: [message] });
  }
}
