// Ring0's version: injected by the esbuild bundle; unbundled (tests) it is read from package.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

declare const __RING0_VERSION__: string | undefined;

function fromPackageJson(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const p = path.join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ring0' && pkg.version) return pkg.version;
    }
  }
  return '0.0.0';
}

export const RING0_VERSION: string = typeof __RING0_VERSION__ === 'string' ? __RING0_VERSION__ : fromPackageJson();
