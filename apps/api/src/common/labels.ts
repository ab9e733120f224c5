import type { ValidationOptions } from 'class-validator';
import { registerDecorator } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { FieldErrors } from './problem';

/**
 * Pulp's label rules: keys of letters, digits, `_`, space, `.` and `-` (pulpcore LABEL_KEY_CHARS, where
 * `\w` is Unicode-aware); values are strings without parentheses. Sizes are capped so a label map stays
 * a label map.
 */
const KEY_CHAR = String.raw`[\p{L}\p{N}_ .\-]`;
const LABEL_KEY = new RegExp(`^${KEY_CHAR}+$`, 'u');
export const MAX_LABELS = 100;
const MAX_KEY_LENGTH = 255;
const MAX_VALUE_LENGTH = 1024;

/** Why a `pulp_labels` value is not acceptable, or null when it is. */
export function labelsProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'pulp_labels must be an object mapping label names to string values';
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) return `pulp_labels may hold at most ${MAX_LABELS} labels`;
  for (const [key, label] of entries) {
    if (!LABEL_KEY.test(key) || key.length > MAX_KEY_LENGTH) {
      return `label key ${JSON.stringify(key)} must be 1-${MAX_KEY_LENGTH} letters, digits, underscores, spaces, dots or hyphens`;
    }
    if (typeof label !== 'string') return `label ${JSON.stringify(key)} must have a string value`;
    if (label.length > MAX_VALUE_LENGTH) return `label ${JSON.stringify(key)} is longer than ${MAX_VALUE_LENGTH}`;
    if (/[()\0]/.test(label)) return `label ${JSON.stringify(key)} has a value with parentheses or NUL`;
  }
  return null;
}

export const IsPulpLabels = (options?: ValidationOptions): PropertyDecorator => {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPulpLabels',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value) => labelsProblem(value) === null,
        defaultMessage: (args) => labelsProblem(args?.value) ?? 'pulp_labels is invalid',
      },
    });
};

export type LabelTerm =
  | { op: 'has'; key: string }
  | { op: 'lacks'; key: string }
  | { op: 'eq' | 'ne' | 'contains'; key: string; value: string };

const TERM = new RegExp(`^(!?)(${KEY_CHAR}+?)(?:(=|!=|~)([\\s\\S]*))?$`, 'u');

/**
 * Parses a `pulp_label_select` expression: comma-separated terms (`\,` is a literal comma in a value), each
 * `key=value`, `key!=value`, `key~text`, `key` or `!key`. Throws a 400 naming the parameter on nonsense.
 */
export function parseLabelSelect(expression: string, parameter = 'pulp_label_select'): LabelTerm[] {
  const terms = expression.split(/(?<!\\),/);
  return terms.map((raw) => {
    const match = TERM.exec(raw);
    if (!raw || !match) throw FieldErrors.of(parameter, `invalid search term ${JSON.stringify(raw)}`);
    const [, negated, key, op, rest] = match as unknown as [string, string, string, string?, string?];
    if (negated && op) throw FieldErrors.of(parameter, `cannot use an operator with ${JSON.stringify(`!${key}`)}`);
    if (!op) return { op: negated ? 'lacks' : 'has', key };
    const value = (rest ?? '').replace(/\\,/g, ',');
    return { op: op === '=' ? 'eq' : op === '!=' ? 'ne' : 'contains', key, value };
  });
}

/** ANDs the label terms of `expression` onto a query whose alias has a `pulpLabels` jsonb column. */
export function applyLabelSelect<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, expression: string | undefined) {
  if (expression === undefined) return;
  const column = `${qb.alias}.pulpLabels`;
  parseLabelSelect(expression).forEach((term, i) => {
    const key = `labelKey${i}`;
    const value = `labelValue${i}`;
    switch (term.op) {
      case 'has':
        qb.andWhere(`(${column} ->> :${key}) IS NOT NULL`, { [key]: term.key });
        break;
      case 'lacks':
        qb.andWhere(`(${column} ->> :${key}) IS NULL`, { [key]: term.key });
        break;
      case 'eq':
        qb.andWhere(`(${column} ->> :${key}) = :${value}`, { [key]: term.key, [value]: term.value });
        break;
      case 'ne':
        qb.andWhere(`(${column} ->> :${key}) <> :${value}`, { [key]: term.key, [value]: term.value });
        break;
      case 'contains':
        qb.andWhere(`(${column} ->> :${key}) ILIKE :${value} ESCAPE '\\'`, {
          [key]: term.key,
          [value]: `%${term.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        });
        break;
    }
  });
}
