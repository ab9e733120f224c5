import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { FieldErrors } from './problem';

// @nestjs/swagger's metadata: the same facts the OpenAPI document is generated from.
const API_PROPERTY = 'swagger/apiModelProperties';

function collect(errors: ValidationError[], prefix: string, into: Record<string, string[]>): void {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      into[field] = [...(into[field] ?? []), ...Object.values(error.constraints)];
    }
    if (error.children?.length) collect(error.children, field, into);
  }
}

/**
 * class-validator's `@IsOptional()` (and PartialType, which adds it) lets `null` through as if the field were
 * absent; services then write null into NOT NULL columns (a 500). A field the document does not mark
 * `nullable` refuses null here, so the request is a 400 that names the field.
 */
export function nullErrors(object: object): ValidationError[] {
  const prototype = Object.getPrototypeOf(object) as object;
  return Object.entries(object)
    .filter(([key, value]) => value === null && Reflect.hasMetadata(API_PROPERTY, prototype, key))
    .filter(([key]) => !(Reflect.getMetadata(API_PROPERTY, prototype, key) as { nullable?: boolean }).nullable)
    .map(([property]): ValidationError => ({
      property,
      constraints: { isNotNull: `${property} must not be null` },
      children: [],
    }));
}

class ContractValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    return [...(await super.validate(object, options)), ...nullErrors(object)];
  }
}

/** Whitelisting, unknown fields refused, and field-level messages in our one error shape. */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
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
