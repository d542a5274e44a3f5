// The floors, as ESLint enforces them: vscode stays out of the plain-Node layers, and every import
// points down (faces → views → core → kernel/); each rule is shown to fire and to let the right ones by.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');

// eslint is ESM-friendly CommonJS; load it lazily so the other unit tests do not pay for it.
async function restricted(file: string, code: string) {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

describe('lint: vscode stays out of the plain-Node layers', () => {
  const code = "import * as vscode from 'vscode';\nexport const x = vscode;\n";
  for (const dir of ['kernel', 'labs', 'debug-adapter', 'tools', 'cli']) {
    it(`rejects import 'vscode' in ${dir}/`, async () => {
      const messages = await restricted(`${dir}/probe.ts`, code);
      assert.equal(messages.length, 1);
      assert.match(messages[0].message, /plain Node/);
    });
  }

  it('allows it in extension/ and views/', async () => {
    assert.deepEqual(await restricted('extension/probe.ts', code), []);
    assert.deepEqual(await restricted('views/trees/probe.ts', code), []);
  });
});

describe('lint: imports point down the floors', () => {
  const imp = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;
  const refused: [string, string][] = [
    ['kernel/vm/probe.ts', '../../labs/model/catalog'],
    ['kernel/vm/probe.ts', '../../debug-adapter/server'],
    ['kernel/probe.ts', '../cli/main'],
    ['kernel/observe/probe.ts', '../../views/model/mapTable'],
    ['labs/model/probe.ts', '../../debug-adapter/server'],
    ['labs/model/probe.ts', '../../extension/manifest'],
    ['debug-adapter/session/probe.ts', '../../labs/model/catalog'],
    ['debug-adapter/probe.ts', '../cli/main'],
    ['views/trees/probe.ts', '../../extension/manifest'],
    ['views/probe.ts', '../cli/main'],
    ['cli/commands/probe.ts', '../../extension/manifest'],
    ['cli/commands/probe.ts', '../../views/model/mapTable'],
    ['extension/probe.ts', '../cli/main'],
    ['tools/probe.ts', '../cli/main'],
    ['tools/probe.ts', '../extension/manifest'],
    ['labs/run/probe.ts', '../../tools/table'],
    ['kernel/vm/probe.ts', '../../tools/table'],
  ];
  for (const [file, spec] of refused) {
    it(`refuses ${spec} from ${file}`, async () => {
      const messages = await restricted(file, imp(spec));
      assert.equal(messages.length, 1, `${file} → ${spec}`);
      assert.match(messages[0].message, /may not import .*imports point down/);
    });
  }

  const allowed: [string, string][] = [
    ['kernel/vm/probe.ts', '../build/diagnostics'],
    ['labs/model/probe.ts', '../../kernel/vm/devices'],
    ['debug-adapter/session/probe.ts', '../../kernel/vm/state'],
    ['cli/commands/probe.ts', '../../labs/model/catalog'],
    ['cli/commands/probe.ts', '../../debug-adapter/server'],
    ['views/trees/probe.ts', '../ids'],
    ['extension/probe.ts', '../views/ids'],
    ['extension/probe.ts', '../tools/table'],
    ['cli/commands/probe.ts', '../../tools/table'],
    ['tools/probe.ts', '../labs/run/checkLabs'],
  ];
  for (const [file, spec] of allowed) {
    it(`allows ${spec} from ${file}`, async () => {
      assert.deepEqual(await restricted(file, imp(spec)), []);
    });
  }
});
