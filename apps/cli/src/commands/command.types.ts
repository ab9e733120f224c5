import type { Client } from '../../../../openapi/client/client';

/** Where the CLI talks to: injected so commands never touch `process` directly. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  stderrIsTTY: boolean;
  /** Terminal width, to keep a redrawn progress line from wrapping. */
  stderrColumns: number;
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  /** Calls `handler` on Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process now (a second Ctrl-C). */
  exit(code: number): never;
}

export type OutputMode = 'json' | 'table';

export interface Context {
  io: Io;
  output: OutputMode;
  client: Client;
}

export type OptionValue = string | boolean | string[] | undefined;
export type OptionValues = Record<string, OptionValue>;

export interface OptionDef {
  type: 'string' | 'boolean';
  description: string;
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help: `--policy POLICY`. */
  value?: string;
  /** The API body field this option sets (also maps the API's per-field errors back to the option). */
  field?: string;
  /** Turns the text into the field's value; may look a name up, may throw a UsageError. */
  convert?: (raw: string, ctx: Context, flag: string) => unknown;
  /** For a boolean option: the value its field gets, so `--no-mirror` can send `false`. */
  set?: boolean;
}

export interface CommandDef {
  name: string;
  summary: string;
  /** Positional arguments as shown in help; `[X]` is optional. */
  args?: string[];
  /** Longer help text, shown by `--help` under the usage line. */
  description?: string;
  options?: Record<string, OptionDef>;
  run(ctx: Context, args: string[], values: OptionValues): Promise<number | void>;
}

/** A noun (`remote`) with its verbs, or a lone command (`status`). */
export interface GroupDef {
  name: string;
  summary: string;
  commands: CommandDef[];
}
