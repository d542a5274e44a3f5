// Ring0: Build Your Kernel — `ring0 kernel build --json` with a progress notification fed by Kbuild's
// current file, compiler errors and warnings in the Problems panel on the tree's files.
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { parseBuildResult } from '../build/buildResult';
import { assertTrusted } from '../trust';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

let collection: vscode.DiagnosticCollection | undefined;

export const kernelBuild: CommandFactory = (ctx) => async () => {
  assertTrusted(vscode.l10n.t('Building your kernel'));
  if (!collection) {
    collection = vscode.languages.createDiagnosticCollection('ring0-kernel');
    ctx.extension.subscriptions.push(collection);
  }
  const diagnostics = collection;
  const root = ctx.workspaceRoot();
  const args = ['kernel', 'build', '--json', ...(root ? ['--workspace', root] : [])];
  ctx.builds.channel.appendLine(`$ ring0 ${args.join(' ')}`);
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: building your kernel'), cancellable: true }, (progress, token) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [ctx.cliPath, ...args], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      token.onCancellationRequested(() => child.kill('SIGINT'));
      let stdout = '';
      let stderr = '';
      let last = 0;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        ctx.builds.channel.append(d);
        const line = d.trimEnd().split('\n').at(-1) ?? '';
        if (line && Date.now() - last > 250) {
          last = Date.now();
          progress.report({ message: line.slice(0, 120) });
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    }),
  );
  let result;
  try {
    result = parseBuildResult(JSON.stringify({ artifacts: [], ...JSON.parse(r.stdout) }));
  } catch {
    throw new Error(`ring0 kernel build failed: ${(r.stderr.trim().split('\n').at(-1) ?? '') || `exit ${r.code}`}`);
  }
  diagnostics.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const d of result.diagnostics) {
    const diag = new vscode.Diagnostic(new vscode.Range(Math.max(0, d.line - 1), Math.max(0, d.column - 1), Math.max(0, d.line - 1), Math.max(0, d.column)), d.message, SEVERITY[d.severity]);
    diag.source = 'ring0 kernel build';
    byFile.set(d.file, [...(byFile.get(d.file) ?? []), diag]);
  }
  for (const [file, list] of byFile) diagnostics.set(vscode.Uri.file(file), list);
  if (result.ok) void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: your kernel is built; boot it with ring0.vm.kernel "build" (F5 rebuilds and boots it).'));
  else void vscode.window.showErrorMessage(vscode.l10n.t('Ring0: the kernel build failed — see the Problems panel.'), vscode.l10n.t('Show Problems')).then((p) => p && vscode.commands.executeCommand('workbench.actions.view.problems'));
  return result;
};
