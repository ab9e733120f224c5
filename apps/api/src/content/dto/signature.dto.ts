import { SIGNATURE_KINDS, SIGNATURE_STATES, type SignatureKind, type SignatureState } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';

export class ManifestSignatureResponse {
  @ApiProperty({
    description:
      "`verified`: signed by one of the remote's keys for this digest and repository; `unsigned`: no signature found; `invalid`: a signature was found and refused (see `reason`).",
    enum: SIGNATURE_STATES,
    enumName: 'SignatureStateEnum',
  })
  state: SignatureState;
  @ApiProperty({
    description:
      'How it was verified: its own `simple-signing` or `cosign` signature, `index-children` (an index whose every child is verified), `signed-index` (pinned by a signed index).',
    // A plain string: a nullable enum cannot be a named schema in OpenAPI 3.0 without a wrapper type.
    type: String,
    example: SIGNATURE_KINDS[0],
    nullable: true,
  })
  kind: SignatureKind | null;
  @ApiProperty({ description: 'Fingerprint of the key that signed it.', type: String, nullable: true })
  key_fingerprint: string | null;
  @ApiProperty({ description: 'Why it is not verified.', type: String, nullable: true })
  reason: string | null;
  @ApiProperty({ description: 'When it was last checked (by a sync).', format: 'date-time' })
  checked_at: string;
}
