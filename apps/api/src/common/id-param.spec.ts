import { NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ObjectIdPipe } from './id-param';

describe('ObjectIdPipe', () => {
  const pipe = new ObjectIdPipe();

  it('passes an object id through unchanged', () => {
    expect(pipe.transform('0b5e2a4c-3f1d-4e0a-9c6b-1a2b3c4d5e6f')).toBe('0b5e2a4c-3f1d-4e0a-9c6b-1a2b3c4d5e6f');
  });

  it.each(['42', 'not-a-uuid', '0b5e2a4c-3f1d-4e0a-9c6b-1a2b3c4d5e6', "' OR 1=1 --", ''])(
    'answers 404 for %j, an id no object can have',
    (value) => {
      expect(() => pipe.transform(value)).toThrow(NotFoundException);
    },
  );
});
