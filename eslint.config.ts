/**
 * ESLint (flat config), run by `npm test` through `npm run lint`: JavaScript's and typescript-eslint's
 * recommended rules with type information, the layers of docs/architecture.md
 * (test/architecture/eslint-plugin.ts, from the same data as the import test), and a few rules of
 * this repository. Formatting is Prettier's (`npm run format:check`), not ESLint's.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './test/architecture/eslint-plugin';

export default defineConfig(
  {
    // scripts/bench/cdk-peer.ts: aws-cdk-lib's declarations double the type information's cost; tsconfig.bench.json checks it (CI).
    ignores: [
      'scripts/bench/cdk-peer.ts',
      'node_modules/',
      'cdktf.out/',
      '.gen/',
      'dist/',
      'coverage/',
      'plans/',
      '.terraform-state/',
      '.state-bootstrap/',
      '.profile/',
      '.stryker-tmp/',
      'reports/',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    plugins: { layers: layersPlugin },
    rules: {
      'layers/import-direction': 'error',
      // A committed file names no path of one machine (the developers' guide).
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/^\\/(?:work|root|home)\\//]', message: 'A machine-local absolute path; use a path relative to the repository or ~/.cache.' },
      ],
      eqeqeq: ['error', 'always'],
      'no-implicit-coercion': 'error',
      'prefer-template': 'error',
      'object-shorthand': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // `list[0]!` documents that the element exists; it becomes necessary with noUncheckedIndexedAccess.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Tests read synthesized JSON, plans and events as `any` on purpose: their assertions check the shapes.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Fakes implement async interfaces without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // CommonJS configuration and Jest plumbing.
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'commonjs',
      globals: Object.fromEntries(
        ['module', 'require', '__dirname', 'process', 'console', 'Buffer', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'].map((name) => [
          name,
          name === 'module' ? 'writable' : 'readonly',
        ]),
      ),
    },
  },
);
