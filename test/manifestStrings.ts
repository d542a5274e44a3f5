// package.json as VS Code shows it: every "%key%" replaced from package.nls.json (or a locale's
// package.nls.<locale>.json), for tests that compare manifest strings with the UI or with manifest.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const repoDir = path.resolve(__dirname, '..', '..');

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(repoDir, file), 'utf8'));
}

export function nlsStrings(locale?: string): Record<string, string> {
  return readJson(locale ? `package.nls.${locale}.json` : 'package.nls.json') as Record<string, string>;
}

/** Deep copy of `value` with each whole-string "%key%" replaced; a key without a string throws. */
export function localize<T>(value: T, strings: Record<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^%([^%\s]+)%$/.exec(v);
      if (!m) return v;
      if (typeof strings[m[1]] !== 'string') throw new Error(`package.json names %${m[1]}% but the nls file has no such key`);
      return strings[m[1]];
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Untyped JSON, as JSON.parse gives it (tests index manifests freely). */
export type Json = ReturnType<typeof JSON.parse>;

/** package.json with its English (or the locale's) strings filled in. */
export function localizedPackageJson(locale?: string): Json {
  return localize(readJson('package.json') as Json, nlsStrings(locale));
}
