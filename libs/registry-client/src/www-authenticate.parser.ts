/** One challenge from a `WWW-Authenticate` header, e.g. `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/**
 * Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges. Tolerant on purpose: registries
 * send unquoted values, stray spaces and commas inside quoted scopes (`scope="repository:a:pull,push"`),
 * and several challenges in one header. Anything unparseable ends the parse rather than throwing.
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const challenges: AuthChallenge[] = [];
  let pos = 0;
  const s = header;
  const skip = (re: RegExp) => {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m) pos = re.lastIndex;
    return m?.[0];
  };
  const ws = /[ \t]*/y;
  const commas = /[ \t]*(,[ \t]*)*/y;

  while (pos < s.length) {
    skip(commas);
    const scheme = skip(TOKEN);
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(ws);
    // token68 form (`Basic dXNlcg==`) carries no parameters we need; skip it.
    if (skip(/[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/y) !== undefined) continue;
    for (;;) {
      const before = pos;
      skip(commas);
      const name = skip(TOKEN);
      if (!name) {
        pos = before;
        break;
      }
      skip(ws);
      if (s[pos] !== '=') {
        // A bare token: this is the next challenge's scheme.
        pos = before;
        break;
      }
      pos++;
      skip(ws);
      let value: string;
      if (s[pos] === '"') {
        pos++;
        value = '';
        while (pos < s.length && s[pos] !== '"') {
          if (s[pos] === '\\' && pos + 1 < s.length) pos++;
          value += s[pos++];
        }
        pos++; // closing quote (or end of input)
      } else {
        value = skip(/[^,]*/y)?.trim() ?? '';
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
