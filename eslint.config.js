// Lint: typescript-eslint's type-checked recommended set, plus the rules that keep tests honest
// (no focused or skipped tests) and the code free of floating promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What runs in a Lambda bundle (and in the packed CLI) must be visible to esbuild: a module loaded
// by a run-time require or a computed import is left out of the bundle and fails on AWS.
const bundledImports = {
  paths: ['node:module', 'module'].map((name) => ({
    name,
    importNames: ['createRequire'],
    message: 'Import the package statically: esbuild does not bundle what a created require loads, so the deployed function cannot find it.',
  })),
};
const computedImport = { selector: 'ImportExpression[source.type!="Literal"]', message: 'Import a named module: esbuild cannot bundle a computed import.' };
// zod is imported as a namespace (`import * as z from 'zod'`): esbuild shakes the properties of a
// namespace it imports itself, not those of one the package exports by name (`z`, its default) — that
// one, like `locales`, brings all of zod and its every language (about 360 KiB) into each bundle.
const zodNamespace = {
  selector: "ImportDeclaration[source.value='zod'] > :matches(ImportDefaultSpecifier, ImportSpecifier[imported.name=/^(z|locales)$/])",
  message: "import * as z from 'zod' (a locale from 'zod/v4/locales/<name>.js'): zod's `z`, its default and `locales` bring every schema and language into the bundle.",
};
const contractsOnly = 'shared/contracts must not import shared/domain: move what both need into shared/contracts, which the domain imports.';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.tongban/', '.build/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // An async method that implements an async interface (a stand-in's operation, a port's method)
      // need not await: being async, it answers a throw with a rejected promise, which its callers rely on.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'skip', message: 'Every test runs.' },
        { object: 'it', property: 'only', message: 'Every test runs.' },
        { object: 'it', property: 'todo', message: 'No placeholder tests.' },
        { object: 'describe', property: 'skip', message: 'Every test runs.' },
        { object: 'describe', property: 'only', message: 'Every test runs.' },
        { object: 'test', property: 'skip', message: 'Every test runs.' },
        { object: 'test', property: 'only', message: 'Every test runs.' },
        { object: 'test', property: 'todo', message: 'No placeholder tests.' },
        { object: 'describe', property: 'todo', message: 'No placeholder tests.' },
        { object: 'it', property: 'skipIf', message: 'Every test runs.' },
        { object: 'it', property: 'runIf', message: 'Every test runs.' },
        { object: 'test', property: 'skipIf', message: 'Every test runs.' },
        { object: 'test', property: 'runIf', message: 'Every test runs.' },
        { object: 'describe', property: 'skipIf', message: 'Every test runs.' },
        { object: 'describe', property: 'runIf', message: 'Every test runs.' },
        { object: 'it', property: 'fails', message: 'A test asserts what must hold, not what fails.' },
        { object: 'test', property: 'fails', message: 'A test asserts what must hold, not what fails.' },
      ],
    },
  },
  {
    files: ['functions/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', bundledImports],
      'no-restricted-syntax': ['error', computedImport, zodNamespace],
    },
  },
  {
    // The wire's schemas depend on nothing of the domain's: the domain imports the contracts, never the
    // other way round (a later rule replaces an earlier one's options, hence the bundle's rules again).
    files: ['shared/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...bundledImports, patterns: [{ regex: '(^|/)domain/', message: contractsOnly }] }],
      'no-restricted-syntax': ['error', computedImport, zodNamespace, { selector: 'ImportExpression[source.value=/(^|\\/)domain\\//]', message: contractsOnly }],
    },
  },
  {
    // Tests read answers (JSON bodies, templates, logs) as untyped data and assert on them: a value of
    // the wrong shape fails the assertion, which is the check. The code under test has no such any.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
