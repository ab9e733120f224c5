import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PrnProperty } from '../../common/pulp-properties';
import { IsDateString, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

export class CreateTokenRequest {
  @ApiProperty({ description: 'A unique name saying who or what uses the token.', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({
    description: 'When the token stops working; null never.',
    type: String,
    format: 'date-time',
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsDateString({ strict: true }, { message: 'expires_at must be an ISO 8601 date-time' })
  expires_at?: string | null;
}

export class TokenResponse {
  @ApiProperty({ description: 'This token.' }) pulp_href: string;
  @PrnProperty() prn: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' }) pulp_created: string;
  @ApiProperty({ description: 'Its name.' }) name: string;
  @ApiProperty({ description: 'The first characters of the token, to tell tokens apart.' }) prefix: string;
  @ApiProperty({ description: 'When it stops working.', type: String, format: 'date-time', nullable: true })
  expires_at: string | null;
  @ApiProperty({ description: 'When it was last used.', type: String, format: 'date-time', nullable: true })
  last_used_at: string | null;
}

export class CreatedTokenResponse extends TokenResponse {
  @ApiProperty({
    description: 'The token itself: shown this once, never again. Send it as `Authorization: Bearer <token>`.',
  })
  token: string;
}
