// compile_commands.json for clangd: written for every module directory when the workspace opens (Kbuild's
// flags for the VM kernel, no build needed), and clangd restarted when a build rewrites one. Measured with
// Debian's clangd 14: a database written after a file was opened is not seen (didChangeWatchedFiles does
// nothing); an edit 30 s after the first lookup makes it look again. A restart sees it at once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Ring0Context } from '../context';

export const VSCODE_CLANGD = 'llvm-vs-code-extensions.vscode-clangd';

/** Runs `ring0 build compile-commands`; resolves to the files written (never throws: clangd works without). */
export async function writeWorkspaceCompileCommands(ctx: Ring0Context): Promise<string[]> {
  const ws = ctx.workspaceRoot();
  if (!ws) return [];
  const r = await ctx.builds.runCli(['build', 'compile-commands', '--json', '--workspace', ws]).catch((e: Error) => ({ code: 1, stdout: '', stderr: e.message }));
  try {
    const v = JSON.parse(r.stdout) as { ok: boolean; written: { file: string; entries: number }[]; error?: string };
    if (!v.ok) ctx.log.warn(`compile_commands.json not written: ${v.error ?? 'unknown error'}`);
    for (const w of v.written) ctx.log.info(`wrote ${w.file} (${w.entries} entries)`);
    return v.written.map((w) => w.file);
  } catch {
    ctx.log.warn(`compile_commands.json not written: ${r.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.code}`}`);
    return [];
  }
}

function digest(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Calls `restart` (debounced) when a compile_commands.json in the workspace changes content: a build from
 * F5, the Build command, a task or a terminal. Files in `known` are taken as already seen.
 */
export function watchCompileCommands(ctx: Ring0Context, known: string[], restart: () => Promise<void>): vscode.Disposable {
  const seen = new Map<string, string | undefined>(known.map((f) => [f, digest(f)]));
  let timer: NodeJS.Timeout | undefined;
  const changed = (uri: vscode.Uri) => {
    const now = digest(uri.fsPath);
    if (seen.get(uri.fsPath) === now) return;
    seen.set(uri.fsPath, now);
    clearTimeout(timer);
    timer = setTimeout(() => {
      ctx.log.info(`${vscode.workspace.asRelativePath(uri)} changed: restarting clangd so it reads it`);
      restart().catch((e: Error) => ctx.log.warn(`clangd restart failed: ${e.message}`));
    }, 500);
  };
  const w = vscode.workspace.createFileSystemWatcher('**/compile_commands.json');
  return vscode.Disposable.from(w, w.onDidCreate(changed), w.onDidChange(changed), { dispose: () => clearTimeout(timer) });
}
