// The real-extension-host tier: runs the mocha suite in test/host/extension inside code-server's VS Code
// server (and, when RING0_VSCODE_EXECUTABLE names a desktop VS Code, through @vscode/test-electron).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { testHostSkipReason } from './codeServer';
import { makeTempDir, removeTempDir } from './proc';
import { runExtensionTests, runExtensionTestsElectron, type ExtensionTestResult } from './extensionHost';

const suite = path.join(__dirname, 'extension');

function check(r: ExtensionTestResult): void {
  const report = `exit ${r.exitCode} after ${r.durationMs} ms\n--- mocha ---\n${r.log}`;
  if (r.exitCode !== 0) assert.fail(`${report}\n${r.transcript}`);
  assert.match(r.log, /\d+ passing/, report);
  assert.doesNotMatch(r.log, /\d+ failing/, report);
}

describe('extension tests in the real extension host', () => {
  it('pass in code-server\'s VS Code server (Node 24)', { skip: testHostSkipReason() }, async () => {
    check(await runExtensionTests({ extensionTestsPath: suite }));
  });

  it('in a plain folder: no activation, no status item, no clangd until a module appears', { skip: testHostSkipReason() }, async () => {
    const tmp = makeTempDir('plain');
    try {
      const workspace = path.join(tmp, 'plain');
      mkdirSync(path.join(workspace, 'src'), { recursive: true });
      writeFileSync(path.join(workspace, 'README.md'), '# A C project, not a kernel one\n');
      writeFileSync(path.join(workspace, 'CMakeLists.txt'), 'project(plain C)\nadd_executable(main src/main.c)\n');
      writeFileSync(path.join(workspace, 'src', 'main.c'), 'int main(void) { return 0; }\n');
      check(await runExtensionTests({ extensionTestsPath: path.join(__dirname, 'plainFolder'), workspace }));
    } finally {
      removeTempDir(tmp);
    }
  });

  const desktop = process.env.RING0_VSCODE_EXECUTABLE;
  it('pass in desktop VS Code (@vscode/test-electron)', { skip: desktop ? false : 'set RING0_VSCODE_EXECUTABLE to a desktop VS Code to run' }, async () => {
    check(await runExtensionTestsElectron(desktop as string, { extensionTestsPath: suite }));
  });
});
