// Writes openapi/openapi.json from the code (sorted, so diffs are stable) and regenerates from it the TypeScript
// client in openapi/client (hey-api) and, with a second, independent generator, the path types in
// openapi/typescript/schema.d.ts (openapi-typescript; test/katello drives the API through openapi-fetch with them). `--check` fails when the committed files differ from a fresh run.
// Either way the document must pass swagger-parser's validation and Redocly's `recommended` lint
// (redocly.yaml) without errors or warnings.
// Needs `npm run build` first. Connects to nothing: Nest builds the app in preview mode, and Redocly runs
// with telemetry and its update check off.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');

const { loadConfig } = require(join(root, 'dist/libs/config/src/index.js'));
const { createLogger } = require(join(root, 'dist/libs/core/src/index.js'));
const { createApiApp, buildOpenApiDocument } = require(join(root, 'dist/apps/api/src/create-api-app.js'));

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

const prepared = { config: loadConfig({}), logger: createLogger('silent', 'openapi'), secretKey: 'x'.repeat(32) };
const app = await createApiApp(prepared, { preview: true });
const document = `${JSON.stringify(sortKeys(buildOpenApiDocument(app)), null, 2)}\n`;
await app.close();

const out = check ? mkdtempSync(join(tmpdir(), 'bootdepot-openapi-')) : join(root, 'openapi');
writeFileSync(join(out, 'openapi.json'), document);
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/@hey-api/openapi-ts/bin/run.js'),
    '-i',
    join(out, 'openapi.json'),
    '-o',
    join(out, 'client'),
    '-c',
    '@hey-api/client-fetch',
    '-s',
    '--no-log-file',
  ],
  { stdio: check ? 'pipe' : 'inherit', cwd: root },
);
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/openapi-typescript/bin/cli.js'),
    join(out, 'openapi.json'),
    '--output',
    join(out, 'typescript/schema.d.ts'),
    // A create body's `default` is what the server applies when the field is left out; openapi-typescript 7
    // would otherwise make every defaulted field required in request bodies too (README, Integrating like Katello).
    '--default-non-nullable',
    'false',
  ],
  { stdio: 'pipe', cwd: root },
);

if (check) {
  let stale = false;
  const generated = [
    'openapi.json',
    ...listFiles(join(out, 'client')).map((f) => `client/${f}`),
    ...listFiles(join(out, 'typescript')).map((f) => `typescript/${f}`),
  ];
  for (const file of generated) {
    const committed = join(root, 'openapi', file);
    if (!existsSync(committed) || readFileSync(committed, 'utf8') !== readFileSync(join(out, file), 'utf8')) {
      console.error(`openapi/${file} is out of date`);
      stale = true;
    }
  }
  rmSync(out, { recursive: true, force: true });
  if (stale) {
    console.error('run `npm run build && npm run openapi` and commit openapi/');
    process.exit(1);
  }
  console.log('openapi/ matches the code');
}
// The committed document, now equal to a fresh one: Redocly's ignore file names it by that path.
const problems = await validateDocument('openapi/openapi.json');
if (!problems) console.log('openapi/openapi.json is valid and passes Redocly lint');
process.exit(problems ? 1 : 0);

/** swagger-parser's schema validation, then Redocly's lint; true when either found a problem. */
async function validateDocument(file) {
  let failed = false;
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  try {
    await SwaggerParser.validate(join(root, file));
  } catch (error) {
    console.error(`openapi.json is not a valid OpenAPI document: ${error.message}`);
    failed = true;
  }
  // Redocly exits 0 on warnings; its JSON report counts them, and a warning fails the check too.
  const lint = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@redocly/cli/bin/cli.js'),
      'lint',
      file,
      '--config',
      join(root, 'redocly.yaml'),
      '--format',
      'json',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
      },
    },
  );
  let report;
  try {
    report = JSON.parse(lint.stdout);
  } catch {
    console.error(`Redocly lint did not run:\n${lint.stdout}${lint.stderr}`);
    return true;
  }
  const { errors, warnings } = report.totals;
  if (errors + warnings > 0) {
    for (const problem of report.problems) {
      const where = problem.location.map((l) => l.pointer).join(', ');
      console.error(`redocly ${problem.severity} ${problem.ruleId} at ${where}: ${problem.message}`);
    }
    failed = true;
  }
  return failed;
}

function listFiles(dir, prefix = '') {
  const { readdirSync, statSync } = require('node:fs');
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`],
  );
}
