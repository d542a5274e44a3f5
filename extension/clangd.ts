// Starts clangd through vscode-languageclient for C sources, so hover and completion work on kernel
// APIs in module and BPF sources. compile_commands.json is written for every module when the workspace
// opens; with the vscode-clangd extension installed Ring0 starts no clangd of its own and only provides
// the compile commands (and restarts that extension's clangd when a build rewrites them).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Ring0Context } from './context';
import { VSCODE_CLANGD, watchCompileCommands, writeWorkspaceCompileCommands } from './build/compileCommands';

export function findClangd(setting: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (setting) return existsSync(setting) ? setting : undefined;
  for (const dir of pathEnv.split(':').filter(Boolean)) {
    const p = path.join(dir, 'clangd');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The running clangd: its language client and process id. */
export interface ClangdHandle {
  client: LanguageClient;
  pid(): number | undefined;
}

export async function startClangd(ctx: Ring0Context): Promise<ClangdHandle | undefined> {
  // Written before clangd starts, so the first diagnostics of an open module source are right.
  const written = await writeWorkspaceCompileCommands(ctx);
  if (vscode.extensions.getExtension(VSCODE_CLANGD)) {
    ctx.log.info(`${VSCODE_CLANGD} is installed: Ring0 starts no clangd of its own and only writes compile_commands.json`);
    ctx.extension.subscriptions.push(watchCompileCommands(ctx, written, async () => void (await vscode.commands.executeCommand('clangd.restart'))));
    return undefined;
  }
  if (!ctx.config.clangdEnabled) return undefined;
  const clangd = findClangd(ctx.config.clangdPath);
  if (!clangd) {
    ctx.log.info('clangd not found: install the Debian package clangd (or run `ring0 setup`) for hover and completion on kernel APIs');
    return undefined;
  }
  let child: ChildProcess | undefined;
  // Spawned here rather than by the client so the pid is known (tests look for it).
  const serverOptions: ServerOptions = () => {
    // Kernel headers are large: no background index of the whole tree, and no header insertion.
    child = spawn(clangd, ['--background-index=false', '--header-insertion=never', '--log=error'], { stdio: 'pipe' });
    return Promise.resolve(child);
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }],
    outputChannel: vscode.window.createOutputChannel(vscode.l10n.t('Ring0 clangd')),
  };
  const client = new LanguageClient('ring0.clangd', 'Ring0 clangd', serverOptions, clientOptions);
  ctx.extension.subscriptions.push({ dispose: () => void client.stop() });
  ctx.extension.subscriptions.push(watchCompileCommands(ctx, written, () => client.restart()));
  try {
    await client.start();
    ctx.log.info(`clangd started: ${clangd}`);
    return { client, pid: () => (child && child.exitCode === null ? child.pid : undefined) };
  } catch (e) {
    ctx.log.warn(`clangd failed to start: ${(e as Error).message}`);
    return undefined;
  }
}
