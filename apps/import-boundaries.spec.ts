import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

/** Value imports of a file (type-only imports are erased by the compiler and load nothing at run time). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause !== undefined &&
          !clause.name &&
          clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((element) => element.isTypeOnly));
      if (!typeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string | null {
  const base = specifier.startsWith('@app/')
    ? join(ROOT, 'libs', specifier.slice('@app/'.length), 'src')
    : specifier.startsWith('.')
      ? resolve(dirname(from), specifier)
      : null;
  if (base === null) return null;
  // Generated code spells its imports as the compiled `.js` files.
  const candidates = [`${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${specifier} from ${relative(ROOT, from)}`);
}

/** Every file and package the entry loads at run time, with the chain that first reached each. */
function importGraph(entry: string): { files: Map<string, string[]>; packages: Map<string, string[]> } {
  const files = new Map<string, string[]>([[entry, [relative(ROOT, entry)]]]);
  const packages = new Map<string, string[]>();
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = files.get(file)!;
    for (const specifier of valueImports(file)) {
      const target = resolveLocal(file, specifier);
      if (target === null) {
        if (!packages.has(specifier)) packages.set(specifier, chain);
      } else if (!files.has(target)) {
        files.set(target, [...chain, relative(ROOT, target)]);
        queue.push(target);
      }
    }
  }
  return { files, packages };
}

describe('the content app (the serving path)', () => {
  const { files, packages } = importGraph(join(ROOT, 'apps/content/src/main.ts'));

  it('loads no task queue: not libs/queue, not libs/dispatch, not BullMQ', () => {
    const queueFiles = [...files]
      .filter(([file]) => /^libs\/(queue|dispatch)\//.test(relative(ROOT, file)))
      .map(([, chain]) => chain.join(' → '));
    const queuePackages = [...packages]
      .filter(([name]) => name === 'bullmq' || name.startsWith('@nestjs/bullmq'))
      .map(([name, chain]) => `${chain.join(' → ')} → ${name}`);
    expect([...queueFiles, ...queuePackages]).toEqual([]);
  });

  it('is walked far enough for the check above to mean something', () => {
    // The walk must reach the shared core and the domain, where a queue import would most likely creep in.
    const reached = [...files.keys()].map((file) => relative(ROOT, file));
    expect(reached).toContain('libs/core/src/core.module.ts');
    expect(reached).toContain('libs/domain/src/index.ts');
    expect(packages.has('@nestjs/typeorm')).toBe(true);
  });
});

describe('the command line', () => {
  const { files, packages } = importGraph(join(ROOT, 'apps/cli/src/main.ts'));

  it('loads neither Nest nor the database: hrefs come from the pure libs/hrefs, not from libs/core', () => {
    const server = [
      ...[...files]
        .filter(([file]) => /^libs\/(core|domain|dispatch)\//.test(relative(ROOT, file)))
        .map(([, chain]) => chain.join(' → ')),
      ...[...packages]
        .filter(([name]) => /^(@nestjs\/|typeorm$|pg$|bullmq$)/.test(name))
        .map(([name, chain]) => `${chain.join(' → ')} → ${name}`),
    ];
    expect(server).toEqual([]);
    expect([...files.keys()].map((file) => relative(ROOT, file))).toContain('libs/hrefs/src/hrefs.ts');
  });
});
