import type { OptionDef } from '../commands/command.types';

/** Options every command accepts; a command's own option of the same name wins after the command words. */
export const GLOBAL_OPTIONS: Record<string, OptionDef> = {
  url: {
    type: 'string',
    value: 'URL',
    description: 'bootdepot API URL [$BOOTDEPOT_URL, default http://localhost:24817]',
  },
  username: { type: 'string', value: 'USER', description: 'API user [$BOOTDEPOT_USERNAME, default admin]' },
  password: { type: 'string', value: 'PASSWORD', description: 'API password [$BOOTDEPOT_PASSWORD]' },
  token: { type: 'string', value: 'TOKEN', description: 'API token, sent as Bearer [$BOOTDEPOT_TOKEN]' },
  output: {
    type: 'string',
    short: 'o',
    value: 'FORMAT',
    description: '`table` (default) or `json` (the API objects as is)',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help for the command' },
};

export interface GlobalValues {
  url?: string;
  username?: string;
  password?: string;
  token?: string;
  output?: string;
  help?: boolean;
}
