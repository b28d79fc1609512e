// Lint: the TypeScript and Svelte recommended rules, with formatting left to Prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: ['build/', '.svelte-kit/', '.cache/', '.linesync/', 'node_modules/', 'test-results/', 'playwright-report/']
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } }
  },
  {
    // TypeScript already knows every global (and DOM types such as RequestInit), as typescript-eslint advises.
    files: ['**/*.ts', '**/*.svelte'],
    rules: { 'no-undef': 'off' }
  },
  {
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a callback's position, a destructured rest).
      // The app is always served at the site root (paths.base is ''), so a plain href is already resolved.
      'svelte/no-navigation-without-resolve': 'off',
      // GS1 and ISO 15434 data is made of control characters (GS, RS, EOT): matching them is the point.
      'no-control-regex': 'off',
      // It flags every local Map or Set, even one built and thrown away inside a function; page state here is
      // reassigned, never mutated in place, so the reactive classes would add nothing.
      'svelte/prefer-svelte-reactivity': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ]
    }
  }
);
