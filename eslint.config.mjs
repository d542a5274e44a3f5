// Lint: TypeScript rules, plus the floors of ARCHITECTURE.md: kernel/ imports none of the folders above
// it, debug-adapter/ and labs/ only kernel/, tools/ (the agent tool table) only labs/ and kernel/, views/
// no face, the CLI no extension code; and kernel/, labs/, debug-adapter/, tools/ and cli/ stay free of vscode.
import tseslint from 'typescript-eslint';

const vscodePath = { name: 'vscode', message: 'kernel/, labs/, debug-adapter/, tools/ and cli/ run in plain Node: take host services through an interface instead.' };

/** A relative import that climbs out and names one of these top-level folders. */
const above = (folders, floor) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
  message: `${floor} may not import ${folders.join('/, ')}/ (imports point down the floors: see ARCHITECTURE.md in shared/ and the README's Layout).`,
});

const floor = (folders, name, noVscode = true) => ({
  'no-restricted-imports': ['error', { ...(noVscode ? { paths: [vscodePath] } : {}), patterns: [above(folders, name)] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'media/dist/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['kernel/**/*.ts'], rules: floor(['labs', 'debug-adapter', 'tools', 'views', 'extension', 'cli'], 'kernel/') },
  { files: ['labs/**/*.ts'], rules: floor(['debug-adapter', 'tools', 'views', 'extension', 'cli'], 'labs/') },
  { files: ['debug-adapter/**/*.ts'], rules: floor(['labs', 'tools', 'views', 'extension', 'cli'], 'debug-adapter/') },
  { files: ['tools/**/*.ts'], rules: floor(['debug-adapter', 'views', 'extension', 'cli'], 'tools/') },
  { files: ['cli/**/*.ts'], rules: floor(['views', 'extension'], 'cli/') },
  { files: ['views/**/*.ts'], rules: floor(['extension', 'cli'], 'views/', false) },
  { files: ['extension/**/*.ts'], rules: floor(['cli'], 'extension/', false) },
  { files: ['**/*.mjs', '**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
