// ESLint over every TypeScript file the root tsconfig checks, with typescript-eslint's strict type-checked rules.
// Formatting is Prettier's job (.prettierrc.json), so no stylistic rules are enabled here.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'packages/contracts/src/generated/**',
      'test-results/**',
      'load/node_modules/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers and booleans in messages and log lines read as intended.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `while (true)` loops that end by return or break are how the pollers and consumers are written.
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: 'only-allowed-literals' },
      ],
    },
  },
  {
    // In tests a `!` on something the test just set up fails loudly on the next line, which is the assertion we want.
    files: ['**/test/**', 'harness/chaos/**', 'harness/compose/**', '**/bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
