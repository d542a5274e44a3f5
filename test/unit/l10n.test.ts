// Localization: every manifest string lives in package.nls.json with a zh-cn twin, every %key% of
// package.json exists, and every vscode.l10n.t message of the extension has its zh-cn translation,
// with the same placeholders, command links and code spans in both languages.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { nlsStrings, readJson, repoDir, type Json } from '../manifestStrings';

const pkg = readJson('package.json') as Json;
const en = nlsStrings();
const zh = nlsStrings('zh-cn');
const CJK = /[\u4e00-\u9fff]/;

/** What must survive translation unchanged: placeholders, command links, `code` spans. */
function invariants(s: string): string[] {
  return [...s.matchAll(/\{\d+\}|\(command:[^)]*\)|`[^`]*`/g)].map((m) => m[0]).sort();
}

/** Every string in package.json with the JSON path that leads to it. */
function strings(v: unknown, at: string[] = []): { at: string[]; value: string }[] {
  if (typeof v === 'string') return [{ at, value: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, [...at, String(i)]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, [...at, k]));
  return [];
}

/** Fields VS Code shows to people (and localizes from package.nls.json). */
const SHOWN = new Set(['displayName', 'description', 'markdownDescription', 'title', 'name', 'contents', 'label', 'category', 'enumDescriptions', 'markdownEnumDescriptions']);
/** Paths under which those names are data, not UI text (launch.json bodies, the package name). */
// languageModelTools come from the tool table shared with `ring0 mcp` (scripts/lmTools.mjs): English, for models first.
const NOT_UI = [/^name$/, /^contributes\.languageModelTools\./, /^contributes\.problemMatchers\./, /\.initialConfigurations\./, /\.configurationSnippets\.\d+\.body\./, /\.languages\./];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return f === 'pages' ? [] : sourceFiles(p);
    return f.endsWith('.ts') ? [p] : [];
  });
}

describe('manifest localization (package.nls*.json)', () => {
  it('has the same keys in English and Chinese, none empty, Chinese written in Chinese', () => {
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      assert.ok(v.trim(), `${k} is empty in package.nls.json`);
      assert.ok(zh[k].trim(), `${k} is empty in package.nls.zh-cn.json`);
      if (/[a-z]{4,}/.test(v.replace(/\(command:[^)]*\)|`[^`]*`|Ring0|BPF|ELF|Doctor|QEMU/g, ''))) assert.match(zh[k], CJK, `${k} is not translated`);
      assert.deepEqual(invariants(zh[k]), invariants(v), `${k}: placeholders, links and code spans match`);
    }
  });

  it('every %key% in package.json exists, and every key is used', () => {
    const used = strings(pkg).flatMap((s) => [...s.value.matchAll(/^%([^%\s]+)%$/g)].map((m) => m[1]));
    for (const k of used) assert.ok(k in en, `%${k}% is not in package.nls.json`);
    assert.deepEqual(Object.keys(en).filter((k) => !used.includes(k)), [], 'keys no manifest string uses');
  });

  it('leaves no user-facing manifest string untranslatable', () => {
    const literal = strings(pkg).filter((s) => {
      const key = s.at.filter((p) => !/^\d+$/.test(p)).pop() ?? '';
      const where = s.at.join('.');
      return SHOWN.has(key) && !NOT_UI.some((r) => r.test(where)) && !/^%[^%\s]+%$/.test(s.value) && !(where.startsWith('contributes.debuggers') && key === 'name');
    }).map((s) => `${s.at.join('.')}: ${s.value}`);
    assert.deepEqual(literal, []);
  });
});

describe('UI message localization (vscode.l10n, l10n/bundle.l10n.zh-cn.json)', () => {
  const bundleFile = path.join(repoDir, 'l10n', 'bundle.l10n.zh-cn.json');
  const files = [...sourceFiles(path.join(repoDir, 'extension')), ...sourceFiles(path.join(repoDir, 'views'))];
  const messages = new Set<string>();
  const notLiteral: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"`])/g)) if (m[1] !== "'") notLiteral.push(path.relative(repoDir, f));
    for (const m of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) messages.add(m[1].replace(/\\(['"\\])/g, '$1'));
  }

  it('names the bundle folder in package.json', () => {
    assert.equal(pkg.l10n, './l10n');
    assert.ok(existsSync(bundleFile));
  });

  it('finds the messages (the scan is not vacuous) and each is a plain string literal', () => {
    assert.ok(messages.size >= 40, `only ${messages.size} vscode.l10n.t messages found`);
    assert.deepEqual(notLiteral, [], 'vscode.l10n.t takes single-quoted literals (the scan reads those; a template literal cannot be looked up)');
  });

  it('translates every message into Chinese, keeping placeholders and nothing stale', () => {
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as Record<string, string>;
    const missing = [...messages].filter((m) => typeof bundle[m] !== 'string' || !bundle[m].trim());
    assert.deepEqual(missing, [], 'messages without a zh-cn translation');
    assert.deepEqual(Object.keys(bundle).filter((k) => !messages.has(k)), [], 'translations no code uses any more');
    for (const [k, v] of Object.entries(bundle)) {
      assert.match(v, CJK, `"${k}" is not translated`);
      assert.deepEqual(invariants(v), invariants(k), `"${k}": placeholders match`);
    }
  });
});
