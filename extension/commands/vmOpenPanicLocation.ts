// Opens a decoded panic frame's source line: absolute paths (modules) as they are, kernel paths
// relative to an unpacked linux-source tree.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

function kernelSourceRoots(): string[] {
  try {
    return readdirSync('/usr/src').filter((d) => d.startsWith('linux-source-')).map((d) => path.join('/usr/src', d)).filter((d) => existsSync(path.join(d, 'Makefile')));
  } catch {
    return [];
  }
}

export const vmOpenPanicLocation: CommandFactory<CommandArgs[Commands.VmOpenPanicLocation]> = () => async (file, line) => {
  if (typeof file !== 'string' || typeof line !== 'number') return;
  const candidates = path.isAbsolute(file) ? [file] : kernelSourceRoots().map((r) => path.join(r, file));
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Ring0: {0} is in the kernel sources, which are not unpacked here. Run \'ring0 setup --kernel-source\' to get them.', `${file}:${line}`));
    return;
  }
  const doc = await vscode.workspace.openTextDocument(found);
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
};
