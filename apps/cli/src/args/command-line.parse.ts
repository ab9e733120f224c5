import { parseArgs } from 'node:util';
import { UsageError } from '../cli-error';
import type { CommandDef, GroupDef, OptionDef, OptionValue, OptionValues } from '../commands/command.types';
import { GLOBAL_OPTIONS, type GlobalValues } from './global-options';

export interface CommandLine {
  /** The command words found, e.g. `['repository', 'sync']`; fewer when only help was asked for. */
  path: string[];
  group?: GroupDef;
  command?: CommandDef;
  args: string[];
  values: OptionValues;
  globals: GlobalValues;
  help: boolean;
}

type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

function toParseOptions(options: Record<string, OptionDef>): ParseOptions {
  return Object.fromEntries(
    // parseArgs rejects keys that are present but undefined.
    Object.entries(options).map(([name, def]) => [
      name,
      { type: def.type, ...(def.short && { short: def.short }), ...(def.multiple && { multiple: true }) },
    ]),
  );
}

function parse(args: string[], options: Record<string, OptionDef>, path: string[], positionals: boolean) {
  try {
    return parseArgs({ args, options: toParseOptions(options), allowPositionals: positionals, strict: true });
  } catch (error) {
    // Node's messages are good but mention internals ("To specify a positional argument starting with...").
    throw new UsageError((error as Error).message.split('. To specify')[0]!, path);
  }
}

/** How many leading tokens are options (with their values), i.e. where the first command word is. */
function leadingOptionCount(argv: string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
    const name = argv[i]!.replace(/^--?/, '').split('=')[0]!;
    const def = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
    i += def?.type === 'string' && !argv[i]!.includes('=') ? 2 : 1;
  }
  return Math.min(i, argv.length);
}

function checkArity(command: CommandDef, args: string[], path: string[]): void {
  const declared = command.args ?? [];
  const required = declared.filter((a) => !a.startsWith('[')).length;
  if (args.length < required) throw new UsageError(`missing ${declared[args.length]}`, path);
  if (args.length > declared.length) throw new UsageError(`unexpected argument "${args[declared.length]}"`, path);
}

/**
 * Splits `bootdepot [global options] GROUP [COMMAND] [args and options]`. Global options may come
 * anywhere; after the command words a command's own option shadows a global one of the same name
 * (`remote create --url` is the registry's URL), so the API URL then goes before the command words.
 */
export function parseCommandLine(argv: string[], groups: readonly GroupDef[]): CommandLine {
  const lead = leadingOptionCount(argv);
  const globals = parse(argv.slice(0, lead), GLOBAL_OPTIONS, [], false).values as GlobalValues;
  const words = argv.slice(lead);
  const result = (line: Partial<CommandLine>): CommandLine => ({
    path: [],
    args: [],
    values: {},
    globals,
    help: false,
    ...line,
  });
  if (words[0] === 'help') return parseCommandLine([...argv.slice(0, lead), ...words.slice(1), '--help'], groups);
  if (words.length === 0) return result({ help: true });

  const group = groups.find((g) => g.name === words[0]);
  if (!group) throw new UsageError(`unknown command "${words[0]}"`);
  // A lone command (`status`) is a group with one unnamed verb.
  const lone = group.commands.length === 1 && group.commands[0]!.name === '';
  const verb = lone ? '' : words[1];
  if (!lone && (verb === undefined || verb.startsWith('-'))) {
    const rest = parse(words.slice(1), GLOBAL_OPTIONS, [group.name], false).values as GlobalValues;
    if (rest.help || globals.help) return result({ path: [group.name], group, help: true });
    throw new UsageError(`missing command after "${group.name}"`, [group.name]);
  }
  const command = group.commands.find((c) => c.name === verb);
  const path = lone ? [group.name] : [group.name, verb!];
  if (!command) throw new UsageError(`unknown command "${group.name} ${verb}"`, [group.name]);

  const own = command.options ?? {};
  const parsed = parse(words.slice(lone ? 1 : 2), { ...GLOBAL_OPTIONS, ...own }, path, true);
  const values: OptionValues = {};
  const merged: GlobalValues = { ...globals };
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name in own) values[name] = value as OptionValue;
    else (merged as Record<string, unknown>)[name] = value;
  }
  const help = Boolean(merged.help);
  if (!help) checkArity(command, parsed.positionals, path);
  return { path, group, command, args: parsed.positionals, values, globals: merged, help };
}
