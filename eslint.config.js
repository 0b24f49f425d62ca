// Lint rules, including the determinism contract of DESIGN.md section 4: the compiler,
// the bytecode contract and the kernel may not read clocks, randomness, the environment,
// or run anything asynchronously.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const forbiddenGlobals = [
  { name: 'Date', message: 'No wall clock in deterministic code: durations are recorded timer inputs.' },
  { name: 'performance', message: 'No wall clock in deterministic code.' },
  { name: 'process', message: 'No environment or process access in deterministic code: pass options in.' },
  { name: 'setTimeout', message: 'No real timers in deterministic code: timers are effects.' },
  { name: 'setInterval', message: 'No real timers in deterministic code: timers are effects.' },
  { name: 'setImmediate', message: 'No real timers in deterministic code.' },
  { name: 'queueMicrotask', message: 'No async scheduling in deterministic code.' },
  { name: 'Intl', message: 'Locale-dependent behaviour is not deterministic across machines.' },
  { name: 'crypto', message: 'No randomness from crypto in deterministic code: use a seeded stream.' },
];

const forbiddenProperties = [
  { object: 'Math', property: 'random', message: 'Use a named seeded stream (seedrandom), never Math.random.' },
  { object: 'crypto', property: 'randomUUID', message: 'Use a seeded stream.' },
  { object: 'crypto', property: 'randomBytes', message: 'Use a seeded stream.' },
  { object: 'crypto', property: 'randomInt', message: 'Use a seeded stream.' },
  { object: 'crypto', property: 'getRandomValues', message: 'Use a seeded stream.' },
  { property: 'localeCompare', message: 'localeCompare depends on the machine locale: compare code units.' },
  { object: 'Date', property: 'now', message: 'No wall clock in deterministic code.' },
];

const forbiddenSyntax = [
  { selector: 'FunctionDeclaration[async=true]', message: 'No async in deterministic code: effects are data.' },
  { selector: 'FunctionExpression[async=true]', message: 'No async in deterministic code: effects are data.' },
  { selector: 'ArrowFunctionExpression[async=true]', message: 'No async in deterministic code: effects are data.' },
  { selector: 'AwaitExpression', message: 'No await in deterministic code.' },
  { selector: 'NewExpression[callee.name="Date"]', message: 'No wall clock in deterministic code.' },
  { selector: "ImportDeclaration[source.value=/^(node:)?(fs|fs\\u002Fpromises|child_process|net|http|https|worker_threads|os|timers|perf_hooks)$/]", message: 'No I/O, clock or host modules in deterministic code.' },
];

// Hashing is deterministic and allowed; crypto's random sources are not.
const forbiddenImports = {
  paths: ['crypto', 'node:crypto'].map((name) => ({
    name,
    importNames: ['randomBytes', 'randomUUID', 'randomInt', 'randomFillSync', 'randomFill', 'getRandomValues', 'webcrypto', 'default'],
    message: 'No randomness in deterministic code: use a seeded stream.',
  })),
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', '.aos/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/vm/**/*.ts', 'src/compiler/**/*.ts', 'src/bytecode/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...forbiddenGlobals],
      'no-restricted-properties': ['error', ...forbiddenProperties],
      'no-restricted-syntax': ['error', ...forbiddenSyntax],
      'no-restricted-imports': ['error', forbiddenImports],
    },
  },
);
