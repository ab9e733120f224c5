import { DECORATORS } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { CreateRemoteRequest, PatchedRemoteRequest } from '../remotes/dto/remote.dto';

const metadata = (target: object, key: string) =>
  Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, target, key) as Record<string, unknown>;

describe('PatchedType', () => {
  it('drops the defaults from the document but leaves the create body its own', () => {
    expect(metadata(CreateRemoteRequest.prototype, 'policy')).toMatchObject({ default: 'immediate' });
    expect(metadata(PatchedRemoteRequest.prototype, 'policy')).not.toHaveProperty('default');
    expect(metadata(PatchedRemoteRequest.prototype, 'policy')).toMatchObject({
      required: false,
      enum: expect.any(Array),
    });
    expect(metadata(PatchedRemoteRequest.prototype, 'download_concurrency')).not.toHaveProperty('default');
  });

  it('accepts an empty body and fills in nothing', async () => {
    const body = plainToInstance(PatchedRemoteRequest, {});
    expect(await validate(body)).toEqual([]);
    expect(Object.keys(body)).toEqual([]);
  });

  it('still validates the fields that are given', async () => {
    const errors = await validate(plainToInstance(PatchedRemoteRequest, { policy: 'sometimes', max_retries: 1.5 }));
    expect(errors.map((e) => e.property).sort()).toEqual(['max_retries', 'policy']);
  });
});
