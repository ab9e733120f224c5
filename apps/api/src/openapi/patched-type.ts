import type { Type } from '@nestjs/common';
import { DECORATORS, PartialType } from '@nestjs/swagger';

/**
 * The body of a PATCH: every field of the create body, optional (validation included, as `PartialType` does),
 * and without the create-time `default`s in the document. Generated clients (openapi-generator's Ruby and Java
 * models, openapi-typescript) fill in or require a field that has a default, so a PATCH that only repoints a
 * distribution would also send `private: false`. Pulp's `Patched…` schemas have no defaults for the same reason.
 * Name the class `Patched<Name>` (`class PatchedRemoteRequest extends PatchedType(CreateRemoteRequest) {}`).
 */
export function PatchedType<T>(create: Type<T>): Type<Partial<T>> {
  const patched = PartialType(create);
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, patched.prototype) ?? []) as string[];
  for (const key of keys.map((entry) => entry.replace(/^:/, ''))) {
    const metadata = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, patched.prototype, key) as
      Record<string, unknown> | undefined;
    if (!metadata || !('default' in metadata)) continue;
    const { default: _createDefault, ...rest } = metadata;
    Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, rest, patched.prototype, key);
  }
  return patched;
}
