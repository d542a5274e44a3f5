// Ring0: Start Lab — copies a lab's starter into labs/<id>/ in the workspace and opens its steps.
import path from 'node:path';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { loadCatalog, type CatalogLab } from '../../labs/model/catalog';
import { readProgress } from '../../labs/model/progress';
import { LabNode } from '../../views/trees/labsTree';

export async function pickLab(arg: unknown, placeHolder: string): Promise<CatalogLab | undefined> {
  if (arg instanceof LabNode) return arg.lab;
  const labs = loadCatalog().labs;
  const pick = await vscode.window.showQuickPick(labs.map((l) => ({ label: l.title, description: l.track, detail: l.summary, lab: l })), { placeHolder });
  return pick?.lab;
}

export const labStart: CommandFactory = (ctx) => async (arg?: unknown) => {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error('open a folder first: labs are copied into the workspace');
  const lab = await pickLab(arg, 'Which lab?');
  if (!lab) return;
  const force = !!readProgress(ws)[lab.id]?.started;
  if (force) {
    const again = await vscode.window.showWarningMessage(`Start ${lab.title} over? Your files in labs/${lab.id} will be replaced.`, { modal: true }, 'Start Over');
    if (!again) return;
  }
  const r = await ctx.builds.runCli(['lab', 'start', lab.id, '--workspace', ws, ...(force ? ['--force'] : [])]);
  if (r.code !== 0) throw new Error(r.stderr.trim() || `ring0 lab start exited ${r.code}`);
  ctx.labsChanged();
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(ws, 'labs', lab.id, 'STEPS.md')));
};
