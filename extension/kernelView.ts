// The Kernel view's controller: reads tasks and modules through `ring0 kernel ps|lsmod --json` while
// the view is visible and the VM runs; filter, refresh, the dmesg terminal and "Save Crash Dump".
import * as vscode from 'vscode';
import type { ModuleRow, TaskRow } from '../kernel/observe/kernelState';
import { deleteDump, dumpsDir } from '../kernel/vm/dumps';
import { kernelRoots, type KernelSnapshot } from '../views/trees/kernelTree';
import { SimpleTreeProvider } from '../views/trees/node';
import type { Ring0Context } from './context';
import { Commands, Views } from './manifest';
import { registerCommand } from './registry';

export function registerKernelView(ctx: Ring0Context): void {
  let snap: KernelSnapshot | undefined;
  let filter: string | undefined;
  const tree = new SimpleTreeProvider(() => kernelRoots(snap && { ...snap, ...(filter ? { filter } : {}) }));
  const view = vscode.window.createTreeView(Views.Kernel, { treeDataProvider: tree });
  const ws = () => ctx.workspaceRoot();
  const cliJson = async <T>(args: string[]): Promise<T> => {
    const r = await ctx.builds.runCli([...args, '--json', ...(ws() ? ['--workspace', ws() as string] : [])]);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error((r.stderr || r.stdout).trim().split('\n').pop() || vscode.l10n.t('ring0 {0} printed nothing', args.join(' ')));
    }
  };
  const load = async () => {
    if (!view.visible) return;
    if (ctx.vm.snapshot.status.state !== 'running') {
      snap = undefined;
      tree.refresh();
      return;
    }
    try {
      const [tasks, modules] = await Promise.all([cliJson<TaskRow[]>(['kernel', 'ps']), cliJson<ModuleRow[]>(['kernel', 'lsmod'])]);
      snap = { tasks, modules };
    } catch (e) {
      snap = { tasks: [], modules: [], error: (e as Error).message };
    }
    view.description = filter ? vscode.l10n.t('filter: {0}', filter) : undefined;
    tree.refresh();
  };
  ctx.extension.subscriptions.push(tree, view, view.onDidChangeVisibility(() => void load()), ctx.vm.onDidChange(() => void load()));

  registerCommand(ctx, Commands.KernelRefresh, () => () => vscode.window.withProgress({ location: { viewId: Views.Kernel } }, load));
  registerCommand(ctx, Commands.KernelFilterTasks, () => async () => {
    const v = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Show tasks whose name contains (or whose pid is)'), value: filter ?? '', placeHolder: vscode.l10n.t('e.g. sleep, or 1; empty shows all') });
    if (v === undefined) return;
    filter = v.trim() || undefined;
    await load();
  });
  registerCommand(ctx, Commands.KernelDmesg, () => () => {
    const t = vscode.window.createTerminal({ name: vscode.l10n.t('Ring0 Kernel Log'), shellPath: process.execPath, shellArgs: [ctx.cliPath, 'kernel', 'dmesg', '--follow', '--color', ...(ws() ? ['--workspace', ws() as string] : [])], env: { ELECTRON_RUN_AS_NODE: '1' } });
    t.show();
  });
  const openCrash = (dump: string) => {
    const t = vscode.window.createTerminal({ name: 'crash', shellPath: process.execPath, shellArgs: [ctx.cliPath, 'crash', dump, ...(ws() ? ['--workspace', ws() as string] : [])], env: { ELECTRON_RUN_AS_NODE: '1' } });
    t.show();
  };
  registerCommand(ctx, Commands.DumpOpen, () => (dump?: unknown) => {
    if (typeof dump === 'string') openCrash(dump);
  });
  registerCommand(ctx, Commands.DumpDelete, () => async (node?: unknown) => {
    const dump = (node as { tooltip?: unknown } | undefined)?.tooltip;
    const file = typeof dump === 'string' ? dump.split('\n')[0] : undefined;
    const w = ws();
    if (!file || !w) return;
    const yes = vscode.l10n.t('Delete');
    if ((await vscode.window.showWarningMessage(vscode.l10n.t('Delete the crash dump {0}?', file), { modal: true }, yes)) !== yes) return;
    deleteDump(dumpsDir(w), file);
    ctx.vm.refresh();
  });
  registerCommand(ctx, Commands.VmDump, () => async () => {
    const d = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: saving a crash dump of the VM') }, () => cliJson<{ dump?: string; sizeBytes?: number; error?: string }>(['vm', 'dump']).catch((e: Error) => ({ error: e.message, dump: undefined, sizeBytes: undefined })));
    if (!d.dump) throw new Error(d.error ?? vscode.l10n.t('no dump was saved'));
    ctx.vm.refresh();
    const open = vscode.l10n.t('Open in crash');
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('Crash dump saved: {0} ({1} MiB)', d.dump, Math.round((d.sizeBytes ?? 0) / (1 << 20))), open);
    if (pick === open) openCrash(d.dump);
  });
}
