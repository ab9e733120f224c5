import fc from 'fast-check';
import type { Operation, Parameter, Schema } from './openapi-operations';

const API_ROOT = '/pulp/api/v3';

/** Objects that exist when the fuzzer starts, so "valid id" requests reach real rows, not only 404s. */
export interface KnownObjects {
  remote: string[];
  repository: string[];
  distribution: string[];
  task: string[];
  schedule: string[];
  token: string[];
  blob: string[];
  manifest: string[];
  tag: string[];
  exporter: string[];
  importer: string[];
  /** A directory under the stack's ALLOWED_EXPORT_PATHS, where exporters may write. */
  exportDir: string;
  versions: { repositoryId: string; number: number }[];
}

export type Auth = 'admin' | 'none' | 'wrong-password' | 'bad-bearer' | 'malformed';

export interface FuzzRequest {
  operation: string;
  method: string;
  path: string;
  auth: Auth;
  headers: Record<string, string>;
  body?: string;
}

type Kind = Exclude<keyof KnownObjects, 'versions' | 'exportDir'>;

const KIND_BY_PATH: [RegExp, Kind][] = [
  [/\/remotes\//, 'remote'],
  [/\/repositories\/netboot\/oci\/\{id\}/, 'repository'],
  [/\/distributions\//, 'distribution'],
  [/\/tasks\//, 'task'],
  [/\/sync-schedules\//, 'schedule'],
  [/\/tokens\//, 'token'],
  [/\/content\/netboot\/blobs\//, 'blob'],
  [/\/content\/netboot\/manifests\//, 'manifest'],
  [/\/content\/netboot\/tags\//, 'tag'],
  [/\/exporters\//, 'exporter'],
  [/\/importers\//, 'importer'],
];

const HREF_OF: Record<Kind, (id: string) => string> = {
  remote: (id) => `${API_ROOT}/remotes/netboot/oci/${id}/`,
  repository: (id) => `${API_ROOT}/repositories/netboot/oci/${id}/`,
  distribution: (id) => `${API_ROOT}/distributions/netboot/oci/${id}/`,
  task: (id) => `${API_ROOT}/tasks/${id}/`,
  schedule: (id) => `${API_ROOT}/sync-schedules/${id}/`,
  token: (id) => `${API_ROOT}/tokens/${id}/`,
  blob: (id) => `${API_ROOT}/content/netboot/blobs/${id}/`,
  manifest: (id) => `${API_ROOT}/content/netboot/manifests/${id}/`,
  tag: (id) => `${API_ROOT}/content/netboot/tags/${id}/`,
  exporter: (id) => `${API_ROOT}/exporters/netboot/pulp/${id}/`,
  importer: (id) => `${API_ROOT}/importers/netboot/pulp/${id}/`,
};

/** Pulp Resource Names, accepted wherever an href is. */
const PRN_MODEL: Record<Kind, string> = {
  remote: 'netboot.ociremote',
  repository: 'netboot.ocirepository',
  distribution: 'netboot.ocidistribution',
  task: 'core.task',
  schedule: 'core.syncschedule',
  token: 'core.apitoken',
  blob: 'netboot.blob',
  manifest: 'netboot.manifest',
  tag: 'netboot.tag',
  exporter: 'core.pulpexporter',
  importer: 'core.pulpimporter',
};

const versionHref = (v: { repositoryId: string; number: number }) =>
  `${API_ROOT}/repositories/netboot/oci/${v.repositoryId}/versions/${v.number}/`;

/** Strings that have broken parsers, query builders and path handling elsewhere. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f',
  '%252e%252e',
  '%c0%ae%c0%ae/',
  '%00',
  '\u0000',
  'a\u0000b',
  '\r\nX-Injected: 1',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  "' OR '1'='1",
  "'; DROP TABLE tasks; --",
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  'ünïcödé ☃ 𝄞 😀',
  '\u202egnp.exe',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  'A'.repeat(256),
  'é'.repeat(300),
];

/** Path segments sent as they are (already encoded): traversal and encoding tricks. */
const RAW_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '%252e%252e',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2f',
  '%5c..%5c',
  '..\\..',
  '%c0%ae%c0%ae',
  '%00',
  '%',
  '%zz',
  '%ff%fe',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '{00000000-0000-0000-0000-000000000000}',
  'x'.repeat(5000),
];

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 3, arbitrary: hostileString },
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  anyString,
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

function pick<T>(items: T[], fallback: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return items.length ? fc.constantFrom(...items) : fallback;
}

/** An href of `kind`: a real one mostly, else a plausible or broken one. */
function hrefArb(kind: Kind | 'version', known: KnownObjects): fc.Arbitrary<string> {
  const real =
    kind === 'version'
      ? pick(known.versions.map(versionHref), fc.constant(`${API_ROOT}/`))
      : fc.oneof(
          pick(known[kind].map(HREF_OF[kind]), fc.constant(`${API_ROOT}/`)),
          pick(
            known[kind].map((id) => `prn:${PRN_MODEL[kind]}:${id}`),
            fc.constant('prn:'),
          ),
        );
  const otherKind = fc.constantFrom(...(Object.keys(HREF_OF) as Kind[])).chain((k) => hrefArb(k, known));
  const broken = fc.oneof(
    fc.uuid().map((id) => (kind === 'version' ? versionHref({ repositoryId: id, number: 0 }) : HREF_OF[kind](id))),
    fc.uuid().map((id) => `http://evil.example${HREF_OF.repository(id)}`),
    fc.uuid().map((id) => `${API_ROOT}/repositories/netboot/oci/${id}/versions/9999999999/`),
    fc.uuid().map((id) => `${API_ROOT}/repositories/netboot/oci/${id}/versions/-1/`),
    pick(known.repository, fc.constant('x')).map((id) => `${API_ROOT}/repositories/netboot/oci/${id}/versions/12345/`),
    fc.uuid().map((id) => `prn:core.repositoryversion:${id}`),
    fc.uuid().map((id) => `prn:netboot.nothing:${id}`),
    fc.constantFrom('prn:', 'prn:netboot.ociremote:', 'prn:netboot.ociremote:123', 'prn:a:b:c'),
    hostileString,
  );
  return fc.oneof(
    { weight: 6, arbitrary: real },
    { weight: 1, arbitrary: otherKind },
    { weight: 3, arbitrary: broken },
  );
}

/** Values for fields whose meaning a bare `type: string` does not tell. */
function namedField(key: string, known: KnownObjects): fc.Arbitrary<unknown> | undefined {
  switch (key) {
    case 'remote':
      return hrefArb('remote', known);
    case 'repository':
      return hrefArb('repository', known);
    case 'repository_version':
      return hrefArb('version', known);
    case 'repo_hrefs':
      return fc.array(hrefArb('repository', known), { maxLength: 4 });
    case 'repo_versions_keep':
    case 'versions':
    case 'start_versions':
      return fc.array(hrefArb('version', known), { maxLength: 4 });
    case 'repositories':
      return fc.array(hrefArb('repository', known), { maxLength: 3 });
    case 'path':
      return fc.oneof(
        fc.stringMatching(/^[a-z0-9-]{1,12}$/).map((name) => `${known.exportDir}/${name}`),
        fc.constantFrom('/etc', 'relative/dir', `${known.exportDir}/../escape`, '', '/'),
      );
    case 'chunk_size':
      return fc.constantFrom('4GB', '512MB', '1KB', '0', '-1MB', 'lots', '1.5GB');
    case 'base_version':
      return hrefArb('version', known);
    case 'add_content_units':
    case 'remove_content_units': {
      const unit = fc.constantFrom('blob', 'manifest', 'tag' as const).chain((kind) => hrefArb(kind, known));
      return fc.array(fc.oneof({ weight: 9, arbitrary: unit }, { weight: 1, arbitrary: fc.constant('*') }), {
        maxLength: 4,
      });
    }
    case 'pulp_labels':
      return fc.oneof(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_. -]{0,10}$/), fc.string({ maxLength: 12 }), { maxKeys: 4 }),
        fc.constantFrom({ 'a/b': 'x' }, { k: 1 }, { k: 'f(x)' }, { k: null }, ['k'], 'k=v', { '': '' }),
      );
    case 'name':
      return fc.oneof(
        fc.string({ minLength: 1, maxLength: 12 }).map((s) => `fz-${s}`),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        hostileString,
      );
    case 'base_path':
      return fc.oneof(
        fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,7}(\/[a-z0-9][a-z0-9._-]{0,7}){0,2}$/),
        hostileString,
        fc.constantFrom('/', 'a//b', 'a/../b', 'pulp/content', 'a/', '-', '.hidden'),
      );
    case 'url':
    case 'proxy_url':
      return fc.constantFrom(
        'http://127.0.0.1:9/',
        'https://quay.io',
        'https://user:pass@registry.example:5000/prefix',
        'ftp://example.com',
        'not a url',
        'http://[::1',
        'javascript:alert(1)',
        'file:///etc/passwd',
      );
    case 'upstream_name':
      return fc.constantFrom('pulp/fedora', 'library/busybox', 'UPPER/Case', '../etc', 'a'.repeat(300), '', 'a//b');
    case 'cron':
      return fc.constantFrom('0 3 * * *', '*/5 * * * *', '61 * * * *', '* * * *', 'x x x x x', '@hourly', '');
    case 'timezone':
      return fc.constantFrom('UTC', 'Europe/Prague', 'Nowhere/Atlantis', '+01:00', '../../etc/localtime');
    case 'platforms':
      return fc.array(fc.constantFrom('linux/amd64', 'linux/arm64/v8', 'amd64', 'linux/', '/', 'a/b/c/d'), {
        maxLength: 3,
      });
    case 'include_tags':
    case 'exclude_tags':
      return fc.oneof(
        fc.constant(null),
        fc.array(fc.constantFrom('40-*', '*', '[', '**/x', '', 'a{b', '\\'), { maxLength: 3 }),
      );
    case 'expires_at':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom('2099-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'tomorrow', '2024-13-45T25:61:61Z', ''),
      );
    case 'ca_cert':
    case 'client_cert':
    case 'client_key':
      return fc.constantFrom('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'not pem', '');
    default:
      return undefined;
  }
}

/** A value the schema allows (modulo the named fields, which mix in near misses on purpose). */
function validValue(schema: Schema, key: string, known: KnownObjects): fc.Arbitrary<unknown> {
  const named = namedField(key, known);
  const base = named ?? typedValue(schema, key, known);
  return schema.nullable ? fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function typedValue(schema: Schema, key: string, known: KnownObjects): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'number':
    case 'integer': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? Math.max(min + 100, 10_000);
      return Number.isInteger(min) ? fc.integer({ min, max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items ? validValue(schema.items, `${key}[]`, known) : anyJson, { maxLength: 4 });
    case 'object':
      if (schema.properties) return objectOf(schema, known);
      return fc.dictionary(
        fc.oneof(fc.constantFrom('X-Trace', 'Authorization', 'Host', 'bad header', ''), fc.string({ maxLength: 8 })),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constant('a\r\nb')),
        { maxKeys: 3 },
      );
    case 'string':
    case undefined:
      return fc.oneof(
        { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
        { weight: 1, arbitrary: hostileString },
      );
  }
}

function objectOf(schema: Schema, known: KnownObjects): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validValue(s, k, known)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) }) as fc.Arbitrary<
    Record<string, unknown>
  >;
}

function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** One mistake in an otherwise generated body. */
function mutated(schema: Schema, known: KnownObjects): fc.Arbitrary<unknown> {
  const props = Object.keys(schema.properties ?? {});
  const key = props.length ? fc.constantFrom(...props) : fc.constant('name');
  const outOfRange = fc.constantFrom(-1, -0.5, 0, 0.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, 65, 604801, 1e-9);
  return fc
    .tuple(objectOf(schema, known), key, fc.nat(9), anyJson, outOfRange, fc.integer({ min: 17, max: 3000 }))
    .map(([body, field, how, junk, number, depth]) => {
      const out: Record<string, unknown> = { ...body };
      switch (how) {
        case 0:
          out[field] = junk; // wrong type (most of the time)
          break;
        case 1:
          for (const required of schema.required ?? []) delete out[required];
          break;
        case 2:
          out[`unknown_${field}`] = junk;
          break;
        case 3:
          out[field] = 'x'.repeat(300_000);
          break;
        case 4:
          out[field] = null;
          break;
        case 5:
          out[field] = nested(depth, depth % 2 === 0);
          break;
        case 6:
          out[field] = number;
          break;
        case 7:
          out[field] = HOSTILE_STRINGS[depth % HOSTILE_STRINGS.length];
          break;
        case 8:
          out[field] = [out[field], out[field]];
          break;
        default:
          // Own `__proto__`/`constructor` keys, as JSON.parse produces them, to tempt prototype pollution.
          Object.defineProperty(out, '__proto__', { value: { admin: true }, enumerable: true });
          Object.defineProperty(out, 'constructor', { value: { prototype: { polluted: true } }, enumerable: true });
      }
      return out;
    });
}

export interface BodySpec {
  text?: string;
  contentType?: string;
}

const RAW_BODIES: BodySpec[] = [
  { text: '{', contentType: 'application/json' },
  { text: '{"name": "a",}', contentType: 'application/json' },
  { text: '{"name": 1e400, "limit": -1e400}', contentType: 'application/json' },
  { text: '{"name": "\\ud800\\udc00\\ud800"}', contentType: 'application/json' },
  { text: '{"name": "nul\\u0000byte", "description": "\\u0000"}', contentType: 'application/json' },
  { text: '{"name": "a", "name": "b"}', contentType: 'application/json' },
  { text: '{"__proto__": {"polluted": true}, "name": "proto"}', contentType: 'application/json' },
  { text: '', contentType: 'application/json' },
  { text: 'null', contentType: 'application/json' },
  { text: '"just a string"', contentType: 'application/json' },
  { text: '[]', contentType: 'application/json' },
  { text: '12345678901234567890123456789', contentType: 'application/json' },
  { text: 'name=a&base_path=b', contentType: 'application/x-www-form-urlencoded' },
  { text: '<xml/>', contentType: 'text/xml' },
  { text: '{"name":"a"}', contentType: 'application/json; charset=latin1' },
  { text: '{"name":"a"}', contentType: 'text/plain' },
  { text: '\u00ff\u00fe{"name":"a"}', contentType: 'application/json' },
  { text: `{"name":"${'y'.repeat(1_200_000)}"}`, contentType: 'application/json' },
  { text: `${'['.repeat(10_000)}${']'.repeat(10_000)}`, contentType: 'application/json' },
];

function bodyArb(op: Operation, known: KnownObjects): fc.Arbitrary<BodySpec> {
  const json = (value: unknown): BodySpec => ({ text: JSON.stringify(value), contentType: 'application/json' });
  const schema = op.body ?? { type: 'object', properties: {} };
  return fc.oneof(
    { weight: 8, arbitrary: objectOf(schema, known).map(json) },
    { weight: 10, arbitrary: mutated(schema, known).map(json) },
    { weight: 1, arbitrary: anyJson.map(json) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: fc.constant<BodySpec>({}) },
  );
}

/** Values for one query parameter: valid for its schema, or a near miss. */
function queryValue(param: Parameter, known: KnownObjects, path: string): fc.Arbitrary<string> {
  const { name, schema } = param;
  const bad = fc.oneof(anyString, fc.constantFrom('-1', '0', '1.5', '1e3', '99999999999999999999', 'Infinity', ''));
  let good: fc.Arbitrary<string>;
  if (name === 'limit') good = fc.integer({ min: 1, max: 5000 }).map(String);
  else if (name === 'fields' || name === 'exclude_fields') {
    // Valid names (known, unknown, nested); the `bad` branch below brings the malformed ones.
    good = fc
      .array(fc.constantFrom('pulp_href', 'prn', 'name', 'content_summary.added', 'files.title', 'bogus'), {
        minLength: 1,
        maxLength: 4,
      })
      .map((names) => names.join(','));
  } else if (name === 'pulp_href__in' || name === 'prn__in') {
    // References of the listed kind, mostly real; hrefArb mixes in other kinds and broken ones.
    const kind = /\/versions\/$/.test(path)
      ? 'version'
      : /\/repositories\/netboot\/oci\/$/.test(path)
        ? 'repository'
        : (KIND_BY_PATH.find(([re]) => re.test(path))?.[1] ?? 'remote');
    good = fc.array(hrefArb(kind, known), { minLength: 1, maxLength: 3 }).map((refs) => refs.join(','));
  } else if (name === 'name__in') {
    good = fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }).map((names) => names.join(','));
  } else if (name === 'pulp_label_select') {
    good = fc.constantFrom('env=prod', 'env!=prod', 'env', '!env', 'env~PR', 'a=b,c', 'x\\,y=1');
  } else if (name === 'offset') good = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(2 ** 62)).map(String);
  else if (name === 'ordering') {
    good = fc
      .array(fc.tuple(fc.boolean(), fc.constantFrom('name', 'pulp_created', 'number', 'digest', 'state', 'nope')), {
        minLength: 1,
        maxLength: 3,
      })
      .map((terms) => terms.map(([desc, f]) => `${desc ? '-' : ''}${f}`).join(','));
  } else if (name.startsWith('repository_version')) good = hrefArb('version', known);
  else if (name === 'reserved_resources' || name === 'created_resources') {
    good = fc.oneof(hrefArb('repository', known), hrefArb('remote', known), hrefArb('version', known));
  } else if (name === 'state__in') {
    good = fc
      .array(fc.constantFrom('waiting', 'running', 'completed', 'failed', 'bogus', ''), { maxLength: 4 })
      .map((s) => s.join(','));
  } else if (name === 'digest') {
    good = fc.oneof(fc.stringMatching(/^sha256:[a-f0-9]{64}$/), fc.constantFrom('sha256:', 'sha512:abc', 'md5:00'));
  } else if (name.startsWith('number')) good = fc.integer({ min: 0, max: 5 }).map(String);
  else if (schema.enum) good = fc.constantFrom(...schema.enum.map(String));
  else good = fc.string({ maxLength: 20 });
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: bad });
}

const CONVENTION_PARAMS = new Set([
  'fields',
  'exclude_fields',
  'pulp_href__in',
  'prn__in',
  'name__in',
  'name__startswith',
  'name__contains',
  'pulp_label_select',
]);

function queryArb(op: Operation, known: KnownObjects): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  // Pulp's cross-cutting parameters sit on every list; given as often as the list's own filters they would
  // turn nearly every list request into a 400 and starve the handlers behind validation.
  const pairs = params.map((p) => {
    const pair = queryValue(p, known, op.path).map((v) => [p.name, v] as const);
    return CONVENTION_PARAMS.has(p.name)
      ? fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: pair })
      : fc.option(pair, { nil: undefined, freq: 2 });
  });
  const noise = fc.constantFrom(
    '',
    '',
    '',
    '&unknown=1',
    '&limit=1&limit=2',
    '&offset[]=1',
    '&ordering[a]=name',
    '&limit=%zz',
    '&%00=%00',
    '&=&&==',
    '&state__in=waiting&state__in=failed',
    '&fields=prn&fields=pulp_href',
    '&fields[a]=prn',
    '&limit=5001',
    `&name=${'n'.repeat(10_000)}`,
  );
  return fc.tuple(fc.tuple(...pairs), noise).map(([chosen, extra]) => {
    const query = chosen
      .filter((pair): pair is readonly [string, string] => pair !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(toWellFormed(v))}`)
      .join('&');
    const all = `${query}${extra}`.replace(/^&/, '');
    return all ? `?${all}` : '';
  });
}

/** encodeURIComponent throws on lone surrogates; send the replacement character a client library would. */
function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function pathArb(op: Operation, known: KnownObjects): fc.Arbitrary<string> {
  const kind = KIND_BY_PATH.find(([re]) => re.test(op.path))?.[1];
  const ids = kind ? known[kind] : [];
  const garbage = fc.oneof(
    fc.uuid(),
    fc.constantFrom(...RAW_SEGMENTS),
    anyString.map((s) => encodeURIComponent(toWellFormed(s))),
  );
  const id = fc.oneof({ weight: 6, arbitrary: pick(ids, fc.uuid()) }, { weight: 4, arbitrary: garbage });
  const number = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }).map(String) },
    { weight: 3, arbitrary: fc.constantFrom('-1', '1.5', 'abc', '99999999999999999999', '1e3', 'NaN', '0x1', '%20') },
  );
  const version = pick(known.versions, fc.constant({ repositoryId: 'x', number: 0 }));
  if (op.path.includes('{number}')) {
    return fc
      .oneof(
        { weight: 6, arbitrary: version.map((v) => [v.repositoryId, String(v.number)] as const) },
        { weight: 4, arbitrary: fc.tuple(id, number) },
      )
      .map(([i, n]) => op.path.replace('{id}', i).replace('{number}', n));
  }
  // An export's own id: the seed makes none, so these are the 404s of a real exporter's unknown export.
  return fc
    .tuple(id, fc.oneof(fc.uuid(), garbage))
    .map(([i, e]) => op.path.replace('{id}', i).replace('{export_id}', e));
}

const authArb = fc.constantFrom<Auth>(
  ...Array<Auth>(22).fill('admin'),
  'none',
  'wrong-password',
  'bad-bearer',
  'malformed',
);

const headerNoise = fc.constantFrom<Record<string, string>>(
  {},
  {},
  {},
  { 'correlation-id': 'fuzz-123' },
  { 'correlation-id': `${'c'.repeat(65)}` },
  { 'correlation-id': '../../x y' },
  { accept: 'text/html' },
  { accept: 'application/xml' },
  { 'x-http-method-override': 'DELETE' },
);

/** A request for `op`: its path with real or hostile ids, query string, body, credentials and headers. */
export function requestArb(op: Operation, known: KnownObjects): fc.Arbitrary<FuzzRequest> {
  const takesBody = op.method !== 'GET' && op.method !== 'DELETE';
  return fc
    .record({
      path: pathArb(op, known),
      query: queryArb(op, known),
      body: takesBody ? bodyArb(op, known) : fc.constant<BodySpec>({}),
      auth: authArb,
      headers: headerNoise,
    })
    .map(({ path, query, body, auth, headers }) => ({
      operation: op.id,
      method: op.method,
      path: `${path}${query}`,
      auth,
      headers: { ...headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
      body: body.text,
    }));
}

/** Requests for no operation: unknown routes and methods under the API root. */
export function strayRequestArb(): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE'),
      path: fc.constantFrom(
        `${API_ROOT}/`,
        `${API_ROOT}`,
        `${API_ROOT}/nope/`,
        `${API_ROOT}/repositories/`,
        `${API_ROOT}/repositories/netboot/oci/..%2f..%2f/`,
        `${API_ROOT}/status`,
        `${API_ROOT}/docs/api.json`,
        `${API_ROOT}//tasks//`,
        '/pulp/api/v3/%2e%2e/%2e%2e/etc/passwd',
        '/',
        '/%00',
      ),
    })
    .map(({ method, path }) => ({ operation: 'stray', method, path, auth: 'admin' as Auth, headers: {} }));
}
