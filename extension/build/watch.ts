// ring0.build.watch: on save, rebuild the saved file's module or BPF program and reload it into the
// running VM. One build per target at a time; a save during a build queues one more.
import * as vscode from 'vscode';
import type { Ring0Context } from '../context';
import { targetForFile, type BuildTarget } from '../../kernel/build/buildTargets';

export function registerBuildWatch(ctx: Ring0Context): void {
  const running = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  const key = (t: BuildTarget) => (t.kind === 'module' ? t.dir : t.file);

  const rebuild = async (t: BuildTarget): Promise<void> => {
    const built = await ctx.builds.build(t);
    if (!built.ok || !built.artifacts.length || ctx.vm.snapshot.status.state !== 'running') return;
    const loaded = await ctx.builds.load(t, built.artifacts[0]);
    vscode.window.setStatusBarMessage(`Ring0: ${loaded.summary}`, 5000);
  };

  const schedule = (t: BuildTarget) => {
    const k = key(t);
    if (running.has(k)) {
      queued.add(k);
      return;
    }
    const p = rebuild(t)
      .catch((e: Error) => ctx.log.warn(`watch build of ${k} failed: ${e.message}`))
      .finally(() => {
        running.delete(k);
        if (queued.delete(k)) schedule(t);
      });
    running.set(k, p);
  };

  ctx.extension.subscriptions.push(
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (!ctx.config.buildWatch || doc.uri.scheme !== 'file') return;
      const t = targetForFile(doc.uri.fsPath);
      if (t) schedule(t);
    }),
  );
}
