// ESLint for the dashboard: the recommended JavaScript and typescript-eslint
// rules on every source, React's rules of hooks (and the React Compiler
// checks that plugin ships) on the components. Formatting is Prettier's job.
// No react-refresh plugin: the build has no Fast Refresh (vite.config.ts
// compiles JSX with esbuild, without @vitejs/plugin-react).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['dist/', 'test-results/', 'playwright-report/']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.browser },
    // `const { dropped: _dropped, ...kept } = x` is how a field is left out.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] },
  },
  {
    // Only the dashboard: Playwright's fixtures call a `use` that is no hook.
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['e2e/**/*.ts', 'playwright.config.ts', 'vite.config.ts', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
  },
]);
