// @ts-check
// `npm run lint` (docs/adr/0009-layout-and-import-directions.md). Type-aware: every .ts/.tsx file
// is checked with its own tsconfig (tsconfig.json, or portal/tsconfig.json under portal/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import * as layout from './eslint.boundaries.js';

const TESTS = ['**/*.test.ts', 'test/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.openmi/', 'eslint.config.js', 'eslint.boundaries.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['portal/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Off: the code writes `!` on indexed reads ahead of noUncheckedIndexedAccess; turn back on with it.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Off: tsc's noUnusedLocals and noUnusedParameters already refuse these (`_` marks a deliberate one).
      '@typescript-eslint/no-unused-vars': 'off',
      // Off: handlers implement async interfaces; `async` keeps a synchronous throw a rejection.
      '@typescript-eslint/require-await': 'off',
      // Off: every hit is a deliberate String() of an unvalidated JSON value that is checked right after.
      '@typescript-eslint/no-base-to-string': 'off',
      // Off: unions such as `':memory:' | string` name the special values on purpose.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // Off: header, name and log validators match control characters on purpose.
      'no-control-regex': 'off',
      // A closure may read the variable before its one assignment (a server handler and its owner).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Re-rejecting what was caught (unknown) is fine; building a literal non-Error is not.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingUnknown: true, allowThrowingAny: true },
      ],
      // TypeScript narrows a variable assigned in a callback to `never` at the use (TypeScript#9998).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNever: true, allowNumber: true }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  {
    files: TESTS,
    rules: {
      // Tests read untyped wire JSON and build stubs on purpose; the assertions check the shapes.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
    },
  },
  {
    files: ['tools/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // The tools and the bench read SDK packages', servers' and the browser's untyped JSON, as tests do.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/cli/commands/activity.ts', 'src/cli/commands/signins.ts'],
    rules: {
      // TEMPORARY: these print untyped rows (`Record<string, any>`) until the shared wire types land in src/wire.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['portal/src/**/*.ts', 'portal/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // The React Compiler's rules (set-state-in-effect, purity, …) are not enabled: the portal is not
      // built with the compiler, and its effects load data on purpose.
    },
  },
  {
    // Only src/config/load.ts reads the environment (docs/adr/0009-layout-and-import-directions.md).
    files: ['src/**/*.ts', 'portal/src/**/*.ts', 'portal/src/**/*.tsx'],
    ignores: [...TESTS, 'src/config/load.ts', 'src/cli/dns/preload.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config/load.ts.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['process', 'node:process'].map((name) => ({
            name,
            importNames: ['env'],
            message: 'Read settings through src/config/load.ts.',
          })),
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'portal/src/**/*.ts', 'portal/src/**/*.tsx'],
    ignores: TESTS,
    plugins: { boundaries },
    settings: layout.settings,
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', policies: [...layout.policies, ...layout.pendingExceptions] },
      ],
      // Every file under src/ and portal/ belongs to a folder the directions name, and imports only such files.
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': 'error',
    },
  },
);
