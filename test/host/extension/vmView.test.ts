// Runs inside the real extension host (mocha): the VM commands' edges that need no VM — a decoded
// panic frame opens its source line, and stop without a VM says so instead of failing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

describe('Ring0 VM commands in the extension host', () => {
  let dir: string;
  before(async () => {
    await vscode.extensions.getExtension('ring0.ring0')?.activate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-panic-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a module panic frame at its source line', async () => {
    const file = path.join(dir, 'buggy.c');
    writeFileSync(file, 'line 1\nline 2\nstatic void buggy_write(void) { *(int *)0 = 1; }\nline 4\n');
    await vscode.commands.executeCommand('ring0.vm.openPanicLocation', file, 3);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.fsPath, file);
    assert.equal(editor.selection.active.line, 2);
  });

  it('ignores malformed panic-location arguments', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('ring0.vm.openPanicLocation', { not: 'a path' }, 'x');
    assert.equal(vscode.window.activeTextEditor, undefined);
  });
});
