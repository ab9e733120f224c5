import { UsageError } from '../cli-error';
import type { Context, OptionDef, OptionValues } from '../commands/command.types';

/** `a,b` → `['a', 'b']`; an empty value clears the field (null), which for tag filters means "all". */
export function list(raw: string): string[] | null {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : null;
}

export function integer(raw: string, _ctx: Context, flag: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${flag} must be a whole number, not "${raw}"`);
  return Number(raw);
}

/** Like `integer`, but an empty value sends null (e.g. "no rate limit", "keep every version"). */
export function nullableInteger(raw: string, ctx: Context, flag: string): number | null {
  return raw.trim() === '' ? null : integer(raw, ctx, flag);
}

export function nullableText(raw: string): string | null {
  return raw === '' ? null : raw;
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string, _ctx: Context, flag: string): T => {
    if (!(choices as readonly string[]).includes(raw))
      throw new UsageError(`${flag} must be one of ${choices.join(', ')}`);
    return raw as T;
  };
}

/**
 * The request body the given options describe: only fields whose option was given, so an update
 * changes exactly what was asked for.
 */
export async function bodyFrom(
  ctx: Context,
  options: Record<string, OptionDef>,
  values: OptionValues,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(options)) {
    const value = values[name];
    if (!def.field || value === undefined || value === false) continue;
    if (def.type === 'boolean') body[def.field] = def.set ?? true;
    else if (Array.isArray(value)) body[def.field] = await Promise.all(value.map((v) => convert(def, v, ctx, name)));
    else body[def.field] = await convert(def, String(value), ctx, name);
  }
  return body;
}

function convert(def: OptionDef, raw: string, ctx: Context, name: string): unknown {
  return def.convert ? def.convert(raw, ctx, `--${name}`) : raw;
}

/** Maps an API field back to the option that sets it, for error messages. */
export function optionForField(options: Record<string, OptionDef> | undefined) {
  return (field: string): string | undefined => {
    const entry = Object.entries(options ?? {}).find(([, def]) => def.field === field && def.set !== false);
    return entry && `--${entry[0]}`;
  };
}
