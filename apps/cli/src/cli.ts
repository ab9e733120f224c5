import { homedir } from 'node:os';
import { parseCommandLine, type CommandLine } from './args/command-line.parse';
import { optionForField } from './args/option-values';
import { createApiClient } from './api/api-client';
import { ApiError, describeApiError } from './api/api-error';
import { CliError, UsageError } from './cli-error';
import type { GroupDef, Io, OutputMode } from './commands/command.types';
import { GROUPS } from './commands/groups';
import { configFilePath, envSource, loadConfigFile, resolveConfig } from './config/cli-config';
import { ExitCode } from './exit-codes';
import { renderCommandHelp, renderGroupHelp, renderMainHelp } from './help/help.render';

function outputMode(raw: string | undefined): OutputMode {
  if (raw === undefined || raw === 'table') return 'table';
  if (raw === 'json') return 'json';
  throw new UsageError(`--output must be json or table, not "${raw}"`);
}

function help(line: CommandLine, groups: readonly GroupDef[]): string {
  if (line.group && line.command) return renderCommandHelp(line.group, line.command);
  if (line.group) return renderGroupHelp(line.group);
  return renderMainHelp(groups);
}

/** Runs one command line; returns the exit code. Every failure is reported here, once, on stderr. */
export async function runCli(argv: string[], io: Io, groups: readonly GroupDef[] = GROUPS): Promise<number> {
  let line: CommandLine | undefined;
  try {
    line = parseCommandLine(argv, groups);
    if (line.help || !line.command) {
      io.out(help(line, groups));
      return ExitCode.Ok;
    }
    const output = outputMode(line.globals.output);
    const { url, username, password, token } = line.globals;
    const file = loadConfigFile(configFilePath(io.env, homedir()), (message) => io.err(`${message}\n`));
    const config = resolveConfig([{ url, username, password, token }, envSource(io.env), file]);
    const ctx = { io, output, client: createApiClient(config) };
    return (await line.command.run(ctx, line.args, line.values)) ?? ExitCode.Ok;
  } catch (error) {
    if (error instanceof ApiError) {
      io.err(`${describeApiError(error, optionForField(line?.command?.options)).join('\n')}\n`);
      return error.exitCode;
    }
    if (error instanceof UsageError) {
      const words = error.commandPath.length ? error.commandPath : (line?.path ?? []);
      io.err(`error: ${error.message}\nrun \`bootdepot ${[...words, '--help'].join(' ')}\` for usage\n`);
      return error.exitCode;
    }
    if (error instanceof CliError) {
      io.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
