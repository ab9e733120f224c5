import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrors } from './problem';

function collect(errors: ValidationError[], prefix: string, into: Record<string, string[]>): void {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      into[field] = [...(into[field] ?? []), ...Object.values(error.constraints)];
    }
    if (error.children?.length) collect(error.children, field, into);
  }
}

/** Whitelisting, unknown fields refused, and field-level messages in our one error shape. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields: Record<string, string[]> = {};
      collect(errors, '', fields);
      return new FieldErrors(fields);
    },
  });
}
