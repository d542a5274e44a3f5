// The layering rule: kernel/, labs/ and debug-adapter/ may not import vscode; extension/ may.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');

describe('lint: vscode stays out of the plain-Node layers', () => {
  const code = "import * as vscode from 'vscode';\nexport const x = vscode;\n";
  // eslint is ESM-friendly CommonJS; load it lazily so the other unit tests do not pay for it.
  const lint = async (file: string) => {
    const { ESLint } = await import('eslint');
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
  };

  for (const dir of ['kernel', 'labs', 'debug-adapter']) {
    it(`rejects import 'vscode' in ${dir}/`, async () => {
      const messages = await lint(`${dir}/probe.ts`);
      assert.equal(messages.length, 1);
      assert.match(messages[0].message, /plain Node/);
    });
  }

  it('allows it in extension/', async () => {
    assert.deepEqual(await lint('extension/probe.ts'), []);
  });
});
