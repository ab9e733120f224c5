import { GLOBAL_OPTIONS } from '../args/global-options';
import type { CommandDef, GroupDef, OptionDef } from '../commands/command.types';

function optionLines(options: Record<string, OptionDef>): string[] {
  const heads = Object.entries(options).map(([name, def]) => {
    const short = def.short ? `-${def.short}, ` : '    ';
    return `  ${short}--${name}${def.type === 'string' ? ` ${def.value ?? 'VALUE'}` : ''}`;
  });
  const width = Math.max(...heads.map((h) => h.length));
  return Object.values(options).map((def, i) => `${heads[i]!.padEnd(width)}  ${def.description}`);
}

function listLines(items: { name: string; summary: string }[]): string[] {
  const width = Math.max(...items.map((i) => i.name.length));
  return items.map((item) => `  ${item.name.padEnd(width)}  ${item.summary}`);
}

const CONFIG_AND_EXIT = `Configuration, highest precedence first:
  flags (--url, --username, --password, --token), then the environment (BOOTDEPOT_URL,
  BOOTDEPOT_USERNAME, BOOTDEPOT_PASSWORD, BOOTDEPOT_TOKEN), then ~/.config/bootdepot/cli.json
  ({"url": ..., "username": ..., "password": ..., "token": ...}; keep it chmod 600).
  The API URL defaults to http://localhost:24817; the user to admin.

Objects are named by their name or by their pulp_href.

Exit codes:
  0    success
  1    the API refused the request or could not be reached
  2    usage error (unknown command or option, missing argument, bad config)
  3    a task waited for (--wait) failed or was canceled
  130  interrupted by Ctrl-C while waiting (the task was canceled)`;

export function renderMainHelp(groups: readonly GroupDef[]): string {
  const commands = groups.map((group) => ({
    name: group.name,
    summary:
      group.commands.length === 1 && group.commands[0]!.name === ''
        ? group.summary
        : `${group.summary} (${group.commands.map((c) => c.name).join('|')})`,
  }));
  return [
    'bootdepot — manage a bootdepot server: remotes, repositories, syncs, distributions, tasks.',
    '',
    'Usage: bootdepot [global options] COMMAND [VERB] [arguments] [options]',
    '',
    'Commands:',
    ...listLines(commands),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    CONFIG_AND_EXIT,
    '',
    'Run `bootdepot COMMAND --help` or `bootdepot COMMAND VERB --help` for details.',
    '',
  ].join('\n');
}

export function renderGroupHelp(group: GroupDef): string {
  return [
    `bootdepot ${group.name} — ${group.summary}`,
    '',
    `Usage: bootdepot ${group.name} VERB [arguments] [options]`,
    '',
    'Verbs:',
    ...listLines(group.commands),
    '',
    `Run \`bootdepot ${group.name} VERB --help\` for a verb's options.`,
    '',
  ].join('\n');
}

export function renderCommandHelp(group: GroupDef, command: CommandDef): string {
  const words = [group.name, command.name].filter(Boolean).join(' ');
  const usage = [`bootdepot ${words}`, ...(command.args ?? []), ...(command.options ? ['[options]'] : [])].join(' ');
  return [
    `bootdepot ${words} — ${command.summary}`,
    '',
    `Usage: ${usage}`,
    ...(command.description ? ['', command.description] : []),
    ...(command.options ? ['', 'Options:', ...optionLines(command.options)] : []),
    '',
    'Global options (before the command words when a name clashes with an option above):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes: 0 success, 1 API error, 2 usage error, 3 task failed or canceled, 130 interrupted.',
    '',
  ].join('\n');
}
