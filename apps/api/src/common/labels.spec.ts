import { describe, expect, it } from 'vitest';
import { labelsProblem, parseLabelSelect } from './labels';
import { FieldErrors } from './problem';

describe('labelsProblem', () => {
  it("accepts Pulp's key characters and string values", () => {
    expect(labelsProblem({ 'katello.capsule': 'yes', 'my key_1-x': '', ünïcode: 'v' })).toBeNull();
    expect(labelsProblem({})).toBeNull();
  });

  it.each([
    [{ 'a/b': 'x' }, 'a/b'],
    [{ '': 'x' }, '""'],
    [{ a: 1 }, 'string value'],
    [{ a: null }, 'string value'],
    [{ a: 'f(x)' }, 'parentheses'],
    [['a'], 'object'],
    ['a=b', 'object'],
  ])('refuses %j', (labels, message) => {
    expect(labelsProblem(labels)).toContain(message);
  });

  it('caps the number of labels', () => {
    expect(labelsProblem(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])))).toContain(
      'at most',
    );
  });
});

describe('parseLabelSelect', () => {
  it('parses every operator, with \\, as a literal comma', () => {
    expect(parseLabelSelect('env=prod,tier!=db,owner,!temp,note~a\\,b')).toEqual([
      { op: 'eq', key: 'env', value: 'prod' },
      { op: 'ne', key: 'tier', value: 'db' },
      { op: 'has', key: 'owner' },
      { op: 'lacks', key: 'temp' },
      { op: 'contains', key: 'note', value: 'a,b' },
    ]);
    expect(parseLabelSelect('k=')).toEqual([{ op: 'eq', key: 'k', value: '' }]);
    expect(parseLabelSelect('k=a=b')).toEqual([{ op: 'eq', key: 'k', value: 'a=b' }]);
  });

  it.each(['', 'a,', '=x', '!a=b', 'a/b', 'a(b', '!'])('refuses %j naming the parameter', (expression) => {
    let error: unknown;
    try {
      parseLabelSelect(expression);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FieldErrors);
    expect(Object.keys((error as FieldErrors).errors)).toEqual(['pulp_label_select']);
  });
});
