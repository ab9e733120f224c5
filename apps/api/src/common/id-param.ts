import { isUuid } from '@app/core';
import { Injectable, NotFoundException, Param, type PipeTransform } from '@nestjs/common';

/**
 * Object ids in paths are UUIDs. Anything else names no object, so it is a 404 as in Pulp (not a 400, and never
 * a database error), checked here once so services can take the id as given.
 */
@Injectable()
export class ObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new NotFoundException('no object with this id');
    return value;
  }
}

/** The `:id` path parameter, validated as an object id. */
export const IdParam = (): ParameterDecorator => Param('id', ObjectIdPipe);
