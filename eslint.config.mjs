import tseslint from 'typescript-eslint';

/** What Node 20 scripts may use without importing it (no `globals` package needed for this short list). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

const SHARED_RULES = {
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
  eqeqeq: ['error', 'always'],
  'no-var': 'error',
  'prefer-const': 'error',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'openapi/client/**',
      'openapi/typescript/**',
      'data/**',
      'coverage/**',
      '**/*.js',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...SHARED_RULES,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Scripts and benchmarks are plain ES modules outside the TypeScript project: no type-aware rules, but
    // undefined names and unused code are still errors.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.base],
    languageOptions: { sourceType: 'module', globals: NODE_GLOBALS },
    rules: { ...SHARED_RULES, 'no-undef': 'error' },
  },
);
