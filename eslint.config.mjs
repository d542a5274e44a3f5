// Lint: TypeScript rules, plus the layering rule that keeps kernel/, labs/ and debug-adapter/ free of vscode.
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'kernel/, labs/ and debug-adapter/ run in plain Node: take host services through an interface instead.' }],
  }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'media/dist/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['kernel/**/*.ts', 'labs/**/*.ts', 'debug-adapter/**/*.ts'], rules: noVscode },
  { files: ['**/*.mjs', '**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
