// Runs inside the real extension host (mocha): ring0.explorer.hideKbuildFiles adds Kbuild's
// intermediates to the workspace's files.exclude when turned on and takes them out when turned off.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { KBUILD_EXCLUDES } from '../../../extension/kbuildFiles';

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const excludes = () => vscode.workspace.getConfiguration('files').inspect<Record<string, unknown>>('exclude')?.workspaceValue ?? {};

describe('ring0.explorer.hideKbuildFiles', () => {
  before(async () => {
    await vscode.extensions.getExtension('ring0.ring0')?.activate();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('ring0').update('explorer.hideKbuildFiles', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('is off by default and then leaves files.exclude alone', () => {
    assert.equal(vscode.workspace.getConfiguration('ring0').get('explorer.hideKbuildFiles'), false);
    for (const g of KBUILD_EXCLUDES) assert.equal(g in excludes(), false, g);
  });

  it('hides the intermediates when on and shows them again when off', async () => {
    await vscode.workspace.getConfiguration('ring0').update('explorer.hideKbuildFiles', true, vscode.ConfigurationTarget.Workspace);
    await until('files.exclude to hide Kbuild files', () => KBUILD_EXCLUDES.every((g) => excludes()[g] === true));
    await vscode.workspace.getConfiguration('ring0').update('explorer.hideKbuildFiles', false, vscode.ConfigurationTarget.Workspace);
    await until('files.exclude to show them again', () => KBUILD_EXCLUDES.every((g) => !(g in excludes())));
  });
});
