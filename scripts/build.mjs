// The one build: esbuild bundles the extension, the debug adapter, the CLI and the webview pages;
// tsc compiles tests (and type-checks everything) into out/.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

const common = {
  bundle: true,
  define: { __RING0_VERSION__: JSON.stringify(version) },
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// 'module' first: jsonc-parser's UMD build hides its requires from the bundler.
// ssh2's native helpers (cpu-features, sshcrypto.node) are optional: ssh2 falls back to Node's crypto.
const optionalNative = ['cpu-features', '*.node'];
const node = { ...common, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'] };

/** Entry points that exist; later issues add theirs here. */
const builds = [
  { ...node, entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode', ...optionalNative] },
  { ...node, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', external: optionalNative, banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: { doctor: 'views/pages/doctor.ts', labs: 'views/pages/labs.ts', mapTable: 'views/pages/mapTable.ts', stream: 'views/pages/stream.ts', verifier: 'views/pages/verifier.ts' },
    outdir: 'media/dist',
  },
].filter((b) => {
  const entries = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints);
  return entries.every((e) => existsSync(path.join(root, e)));
});

// uPlot's stylesheet next to the page bundles that import its script (webviews load only media/).
mkdirSync(path.join(root, 'media', 'dist'), { recursive: true });
copyFileSync(path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), path.join(root, 'media', 'dist', 'uplot.css'));
// Codicons for the pages' status marks: the stylesheet and its font, loaded under the webview's CSP.
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(path.join(root, 'node_modules', '@vscode', 'codicons', 'dist', f), path.join(root, 'media', 'dist', f));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (!args.has('--no-tsc')) {
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
    if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  }
}
