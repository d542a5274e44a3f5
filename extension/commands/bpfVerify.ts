// Ring0: Explain BPF Verifier Result — runs `ring0 bpf verify OBJ --json` and shows it in the explainer.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { VerifyReport } from '../../kernel/bpf/verify';
import { VerifierPanel } from '../../views/verifierPanel';
import type { Ring0Context } from '../context';
import type { CommandFactory } from '../registry';

/** x.bpf.c (or a URI of one) → x.bpf.o; an object is taken as it is. */
export function objectFor(file: string): string {
  return file.endsWith('.bpf.c') ? file.replace(/\.c$/, '.o') : file;
}

function runVerify(ctx: Ring0Context, object: string, token: vscode.CancellationToken): Promise<VerifyReport> {
  const ws = ctx.workspaceRoot();
  const args = [ctx.cliPath, 'bpf', 'verify', object, '--json', ...(ws ? ['--workspace', ws] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ws, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const sub = token.onCancellationRequested(() => child.kill('SIGTERM'));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      sub.dispose();
      if (token.isCancellationRequested) return reject(new Error(vscode.l10n.t('Verification cancelled.')));
      try {
        resolve(JSON.parse(out) as VerifyReport);
      } catch {
        reject(new Error(vscode.l10n.t('ring0 bpf verify failed (exit {0}): {1}', String(code), (err || out).trim().slice(0, 500) || vscode.l10n.t('no output'))));
      }
    });
  });
}

export const bpfVerify: CommandFactory = (ctx) => async (arg?: unknown) => {
  let file = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : vscode.window.activeTextEditor?.document.uri.fsPath;
  if (!file || !/\.(bpf\.c|o)$/.test(file)) {
    const pick = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('BPF objects')]: ['o'] }, title: vscode.l10n.t('BPF object to verify') });
    file = pick?.[0]?.fsPath;
    if (!file) return;
  }
  const object = objectFor(file);
  if (!existsSync(object)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} does not exist yet: build it first (Ring0: Build Module or BPF Program).', object));
    return;
  }
  VerifierPanel.createOrShow(ctx.extension.extensionUri, object, (o, token) => runVerify(ctx, o, token));
};
