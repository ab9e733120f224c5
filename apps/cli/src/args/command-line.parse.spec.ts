import { describe, expect, it } from 'vitest';
import type { Context, GroupDef } from '../commands/command.types';
import { bodyFrom, integer, list } from './option-values';
import { parseCommandLine } from './command-line.parse';

const run = async () => undefined;
const groups: GroupDef[] = [
  {
    name: 'remote',
    summary: 'registries to sync from',
    commands: [
      {
        name: 'create',
        summary: 'create',
        args: ['NAME'],
        options: {
          url: { type: 'string', field: 'url', description: 'registry URL' },
          'include-tags': { type: 'string', field: 'include_tags', convert: list, description: 'globs' },
          'tls-validation': { type: 'boolean', field: 'tls_validation', set: true, description: '' },
          'no-tls-validation': { type: 'boolean', field: 'tls_validation', set: false, description: '' },
        },
        run,
      },
      { name: 'list', summary: 'list', run },
      { name: 'show', summary: 'show', args: ['NAME'], run },
    ],
  },
  { name: 'status', summary: 'server status', commands: [{ name: '', summary: 'server status', run }] },
];

describe('parseCommandLine', () => {
  it('finds the command words, positionals and the command options', () => {
    const line = parseCommandLine(
      ['remote', 'create', 'fedora', '--url', 'https://quay.io', '--include-tags', '40-*,41-*'],
      groups,
    );
    expect(line.path).toEqual(['remote', 'create']);
    expect(line.args).toEqual(['fedora']);
    expect(line.values).toEqual({ url: 'https://quay.io', 'include-tags': '40-*,41-*' });
    expect(line.globals).toEqual({});
  });

  it('reads global options before the command words and after them unless a command option shadows them', () => {
    const line = parseCommandLine(
      ['--url', 'http://api:1', '-o', 'json', 'remote', 'create', 'f', '--url', 'https://reg', '--token', 't'],
      groups,
    );
    expect(line.globals).toEqual({ url: 'http://api:1', output: 'json', token: 't' });
    expect(line.values).toEqual({ url: 'https://reg' });
    expect(parseCommandLine(['remote', 'list', '--url=http://api:2'], groups).globals.url).toBe('http://api:2');
  });

  it('treats a lone command as its own verb', () => {
    const line = parseCommandLine(['status', '--output', 'json'], groups);
    expect(line.path).toEqual(['status']);
    expect(line.globals.output).toBe('json');
  });

  it('asks for help with no words, `help WORDS`, or --help anywhere, without checking arguments', () => {
    expect(parseCommandLine([], groups).help).toBe(true);
    expect(parseCommandLine(['help', 'remote', 'create'], groups)).toMatchObject({
      help: true,
      path: ['remote', 'create'],
    });
    expect(parseCommandLine(['remote', '--help'], groups)).toMatchObject({ help: true, path: ['remote'] });
    expect(parseCommandLine(['remote', 'show', '-h'], groups)).toMatchObject({ help: true, path: ['remote', 'show'] });
  });

  it('refuses unknown commands, unknown options and wrong argument counts as usage errors', () => {
    expect(() => parseCommandLine(['remot'], groups)).toThrow('unknown command "remot"');
    expect(() => parseCommandLine(['remote', 'frob'], groups)).toThrow('unknown command "remote frob"');
    expect(() => parseCommandLine(['remote'], groups)).toThrow('missing command after "remote"');
    expect(() => parseCommandLine(['remote', 'show'], groups)).toThrow('missing NAME');
    expect(() => parseCommandLine(['remote', 'show', 'a', 'b'], groups)).toThrow('unexpected argument "b"');
    expect(() => parseCommandLine(['remote', 'list', '--policy', 'x'], groups)).toThrow(/Unknown option '--policy'/);
    try {
      parseCommandLine(['remote', 'show'], groups);
    } catch (error) {
      expect(error).toMatchObject({ exitCode: 2, commandPath: ['remote', 'show'] });
    }
  });
});

describe('bodyFrom', () => {
  const ctx = {} as Context;
  const options = groups[0]!.commands[0]!.options!;

  it('sends only the fields whose options were given, converted', async () => {
    const values = { url: 'https://quay.io', 'include-tags': '40-*, 41-*', 'no-tls-validation': true };
    expect(await bodyFrom(ctx, options, values)).toEqual({
      url: 'https://quay.io',
      include_tags: ['40-*', '41-*'],
      tls_validation: false,
    });
    expect(await bodyFrom(ctx, options, { 'include-tags': '' })).toEqual({ include_tags: null });
  });

  it('rejects a malformed number naming the option', () => {
    expect(() => integer('ten', ctx, '--max-retries')).toThrow('--max-retries must be a whole number, not "ten"');
    expect(integer('10', ctx, '--max-retries')).toBe(10);
  });
});
