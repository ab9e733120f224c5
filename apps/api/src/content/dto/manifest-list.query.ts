import { SIGNATURE_STATES } from '@app/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DigestListQuery } from './content.dto';

export const SIGNATURE_FILTERS = [...SIGNATURE_STATES, 'not_checked'] as const;
export type SignatureFilter = (typeof SIGNATURE_FILTERS)[number];

export class ManifestListQuery extends DigestListQuery {
  @ApiPropertyOptional({
    description:
      'Only manifests whose latest signature verdict is this; `not_checked`: never checked (their remote has `signature_policy` `none`).',
    enum: SIGNATURE_FILTERS,
    enumName: 'SignatureFilterEnum',
  })
  @IsOptional()
  @IsIn(SIGNATURE_FILTERS)
  signature_state?: SignatureFilter;
}
