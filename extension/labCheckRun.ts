// The one way the extension checks a lab (the Labs view's Check, the dashboard and the Test Explorer):
// saves edits, starts the VM when asked to, runs `ring0 lab check --json` and parses its result.
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import type { CatalogLab } from '../labs/model/catalog';

export interface CheckJson {
  id: string;
  passed: boolean;
  objectives: { id: string; text: string; passed: boolean; message: string; file?: string; line?: number }[];
}

export function parseCheck(stdout: string): CheckJson | undefined {
  try {
    const r = JSON.parse(stdout) as Partial<CheckJson>;
    return typeof r.passed === 'boolean' && Array.isArray(r.objectives) ? (r as CheckJson) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the lab's checker; throws with a readable message when there is no result. */
export async function runLabCheck(ctx: Ring0Context, lab: CatalogLab, folder: string, signal?: AbortSignal): Promise<CheckJson> {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error(vscode.l10n.t('open a folder first'));
  if (ctx.labs.busy.has(lab.id)) throw new Error(vscode.l10n.t('{0} is being checked already', lab.title));
  // Unsaved edits would not be what the checker builds.
  await vscode.workspace.saveAll(false);
  ctx.labs.setBusy(lab.id, 'checking');
  let r: { code: number | null; stdout: string; stderr: string };
  try {
    r = await ctx.builds.runCli(['lab', 'check', lab.id, '--json', '--workspace', ws, '--dir', folder], signal);
  } finally {
    ctx.labs.setBusy(lab.id, undefined);
  }
  const result = parseCheck(r.stdout);
  if (!result) throw new Error(r.stderr.trim().split('\n').slice(-3).join(' ') || vscode.l10n.t('ring0 lab check exited {0} without a result', String(r.code)));
  ctx.log.info(`lab ${lab.id} checked: ${result.objectives.filter((o) => o.passed).length}/${result.objectives.length} objectives pass`);
  ctx.labsChanged();
  return result;
}
