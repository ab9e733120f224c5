import { TreeinfoParseError } from './netboot.errors';

export type IniDocument = Record<string, Record<string, string>>;

/**
 * A productmd-style INI reader: `[section]`, `key = value` (or `key: value`), `;`/`#` comment lines,
 * indented continuation lines. Keys keep their case, as productmd sets `optionxform = str` for checksum paths.
 */
export function parseTreeinfo(text: string): IniDocument {
  const doc: IniDocument = Object.create(null) as IniDocument;
  let section: Record<string, string> | null = null;
  let lastKey: string | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*([;#].*)?$/.test(raw)) return;
    if (/^\s/.test(raw)) {
      if (!section || lastKey === null) throw new TreeinfoParseError(line, 'continuation line without a key');
      section[lastKey] += `\n${raw.trim()}`;
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      const name = header[1];
      if (name in doc) throw new TreeinfoParseError(line, `duplicate section [${name}]`);
      section = doc[name] = Object.create(null) as Record<string, string>;
      lastKey = null;
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!pair) throw new TreeinfoParseError(line, `expected "key = value", got ${JSON.stringify(raw)}`);
    if (!section) throw new TreeinfoParseError(line, 'key before the first section');
    const [, key, value] = pair;
    if (key in section) throw new TreeinfoParseError(line, `duplicate key ${key}`);
    section[key] = value.trim();
    lastKey = key;
  });
  return doc;
}

/** Comma-separated list fields such as `platforms` and `variants`. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
