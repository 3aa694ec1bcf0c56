// One lint configuration for the whole workspace (ESLint flat config, found from each package upwards).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import apiFeatureOrder from './eslint-rules/api-feature-order.js';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/unpackage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Vue single-file components (the mini program): the template through vue-eslint-parser, <script lang="ts">
  // through typescript-eslint's parser, so the TypeScript rules above apply inside components too.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
      globals: { ...globals.browser, uni: 'readonly', getCurrentPages: 'readonly', wx: 'readonly' },
    },
    rules: {
      // Purely where markup breaks lines and whether empty elements self-close: formatting, not correctness.
      // The templates keep short elements on one line (up to ~140 columns, as the TypeScript does), which
      // these rules would rewrite wholesale without catching a single bug.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      // uni-app pages are named by their folder (pages/cart/index.vue) and registered in pages.json, not by name.
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Tests read loosely typed JSON answers; asserting on them is the point.
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Configuration is parsed once in config.ts; nothing else reads the environment (create-t3-turbo's rule).
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/config.ts', 'apps/api/src/**/*.test.ts', 'apps/api/test/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration from config.ts.' }],
    },
  },
  {
    // The API's structure is checked, not hoped for: no import cycle between files, and features depend one way
    // (the order is written down in eslint-rules/api-feature-order.js).
    files: ['apps/api/src/**/*.ts'],
    plugins: { 'import-x': importX, xiaodian: { rules: { 'api-feature-order': apiFeatureOrder } } },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'xiaodian/api-feature-order': 'error',
    },
  },
  {
    // A page composes components and calls stores; past 300 lines it is doing a component's work.
    files: ['apps/miniapp/src/pages/**/*.vue'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
);
