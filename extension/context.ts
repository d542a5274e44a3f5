// The composition root's product: what every command and view receives instead of globals.
import * as vscode from 'vscode';
import { Config } from './config';
import { VmController } from './vmController';
import { BuildService } from './build/buildService';
import { LabsController } from './labsController';
import { KernelWorkspace } from './kernelWorkspace';

export interface Ring0Context {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  /** Folder whose VM and labs Ring0 manages: the first workspace folder. */
  workspaceRoot(): string | undefined;
  /** Path to the bundled CLI, for terminals that run `ring0` commands. */
  readonly cliPath: string;
  /** The workspace VM. */
  readonly vm: VmController;
  /** Builds and loads, their diagnostics and output channel. */
  readonly builds: BuildService;
  /** The lab catalog, this workspace's progress and what this machine can run. */
  readonly labs: LabsController;
  /** Lab progress changed (started, checked): the Labs view and the dashboard re-read it. */
  labsChanged(): void;
  readonly onDidChangeLabs: vscode.Event<void>;
  /** Whether the folder is a Ring0 workspace; pollers, watchers and clangd wait for it. */
  readonly kernel: KernelWorkspace;
}

export function createContext(extension: vscode.ExtensionContext): Ring0Context {
  const log = vscode.window.createOutputChannel('Ring0', { log: true });
  extension.subscriptions.push(log);
  const config = new Config();
  extension.subscriptions.push(config.watch(log));
  const base = {
    extension,
    log,
    config,
    workspaceRoot: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    cliPath: vscode.Uri.joinPath(extension.extensionUri, 'dist', 'cli.js').fsPath,
  };
  const vm = new VmController(base);
  const builds = new BuildService(base);
  const labs = new LabsController(base.workspaceRoot, log);
  const kernel = new KernelWorkspace(base.workspaceRoot, log);
  extension.subscriptions.push(vm, builds, labs, kernel);
  return Object.assign(base, { vm, builds, labs, kernel, labsChanged: () => labs.refresh(), onDidChangeLabs: labs.onDidChange });
}
