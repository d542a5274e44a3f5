// What the lab commands share: which lab an invocation is about, and opening a lab's steps beside its source.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import type { CatalogLab } from '../labs/model/catalog';
import { mainFile } from '../labs/model/labFiles';
import { LabNode } from '../views/trees/labsTree';

/** The lab a command is about: a Labs view item, a lab id (dashboard, walkthrough links), or a pick. */
export async function pickLab(ctx: Ring0Context, arg: unknown, placeHolder: string): Promise<CatalogLab | undefined> {
  const id = arg instanceof LabNode ? arg.summary.id : typeof arg === 'string' ? arg : undefined;
  if (id !== undefined) {
    const lab = ctx.labs.find(id);
    if (!lab) throw new Error(`no lab '${id}' in the catalog`);
    return lab;
  }
  const snap = ctx.labs.snapshot();
  const items = snap.tracks.flatMap((t) => t.labs.map((l) => ({
    label: l.title,
    description: `${t.track} · ${l.status.replace('-', ' ')}`,
    detail: [l.summary, ...l.requirements.filter((r) => !r.met).map((r) => `⚠ ${r.label}: not on this machine`)].join('  '),
    id: l.id,
  })));
  const pick = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return pick ? ctx.labs.find(pick.id) : undefined;
}

export async function openLab(ctx: Ring0Context, lab: CatalogLab): Promise<void> {
  const folder = ctx.labs.folder(lab.id);
  if (!folder || !existsSync(folder)) throw new Error(`${lab.title} is not started in this workspace (Ring0: Start Lab)`);
  const source = mainFile(lab, folder);
  const doc = source ? await vscode.workspace.openTextDocument(source) : undefined;
  if (doc) await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  const steps = path.join(folder, 'STEPS.md');
  if (existsSync(steps)) await vscode.commands.executeCommand(doc ? 'markdown.showPreviewToSide' : 'markdown.showPreview', vscode.Uri.file(steps));
  // Focus back on the source: Build and Check work on the active editor.
  if (doc) await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
}
