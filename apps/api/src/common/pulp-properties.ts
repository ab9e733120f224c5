import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsPulpLabels } from './labels';

/** `prn` on every object the API returns: `prn:<app_label>.<model>:<uuid>` (see libs/core/src/references.ts). */
export const PrnProperty = (): PropertyDecorator =>
  ApiProperty({
    description: 'The Pulp Resource Name of this object; accepted wherever an href is.',
    readOnly: true,
    example: 'prn:netboot.ocirepository:0f8c1a52-3b8e-4f5e-9a55-0a4f0c5f7e11',
  });

const LABELS_SCHEMA = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** `pulp_labels`, declared as Pulp declares it: an object of string values. */
export function PulpLabelsProperty(options: { response?: boolean } = {}): PropertyDecorator {
  if (options.response) return ApiProperty({ description: 'Labels of this object.', ...LABELS_SCHEMA });
  return applyDecorators(
    ApiPropertyOptional({
      description:
        'Labels: keys of letters, digits, `_`, space, `.` or `-`; string values without parentheses. Replaces all labels when given.',
      example: { environment: 'production' },
      ...LABELS_SCHEMA,
    }),
    IsOptional(),
    IsPulpLabels(),
  );
}
