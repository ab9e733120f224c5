import { ConflictException } from '@nestjs/common';
import type { FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';

/** A 409 naming the clash when another object of this kind already has `name` (the unique index stays the guard). */
export async function assertNameFree<E extends ObjectLiteral & { name: string }>(
  objects: Repository<E>,
  name: string,
  kind: string,
): Promise<void> {
  if (await objects.exists({ where: { name } as FindOptionsWhere<E> })) {
    throw new ConflictException(`a ${kind} named ${JSON.stringify(name)} already exists`);
  }
}
