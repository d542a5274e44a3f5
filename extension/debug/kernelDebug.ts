// Glue for the `ring0-kernel` debugger: the adapter runs inline in the extension host with VS Code's
// resolved VM settings, and a configuration provider makes F5 work with no launch.json and builds first.
import path from 'node:path';
import * as vscode from 'vscode';
import { showUntrusted, UntrustedWorkspaceError } from '../trust';
import { KernelDebugSession } from '../../debug-adapter/session/kernelSession';
import { findBuildTargets } from '../../kernel/build/buildTargets';
import type { Ring0Context } from '../context';
import { DEBUG_TYPE } from '../manifest';
import { prebuildModules } from './prebuild';

/** The launch configuration F5 uses when there is none: boot, build and load the workspace's modules. */
export function defaultLaunchConfiguration(folder: string): vscode.DebugConfiguration {
  const modules = findBuildTargets(folder, 3, 20).flatMap((t) => (t.kind === 'module' ? [path.relative(folder, t.dir) || '.'] : []));
  return { type: DEBUG_TYPE, request: 'launch', name: 'Ring0: Debug kernel in VM', workspace: folder, ...(modules.length ? { modules } : {}) };
}

class KernelConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx?: Ring0Context) {}

  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    const cfg = defaultLaunchConfiguration(folder?.uri.fsPath ?? '');
    return [{ ...cfg, workspace: '${workspaceFolder}' }];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const root = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!vscode.workspace.isTrusted) {
      void showUntrusted(new UntrustedWorkspaceError(vscode.l10n.t('Debugging the kernel')));
      return undefined;
    }
    if (!config.type && !config.request && !config.name) {
      if (!root) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Ring0: open a folder to debug its kernel VM.'));
        return undefined;
      }
      return defaultLaunchConfiguration(root);
    }
    if (!config.workspace && root) config.workspace = root;
    return config;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration | undefined> {
    if (!this.ctx) return config;
    return (await prebuildModules(this.ctx, config, token)) ? config : undefined;
  }
}

export function registerKernelDebug(ctx: Ring0Context): void {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor: (session) => {
      ctx.log.info(`debug session ${session.name}: ${JSON.stringify(session.configuration)}`);
      return new vscode.DebugAdapterInlineImplementation(new KernelDebugSession({ cliPath: ctx.cliPath, defaultWorkspace: ctx.workspaceRoot(), vmSettings: (ws) => ctx.config.vmSettings(ws, (m) => ctx.log.warn(m)) }));
    },
  };
  ctx.extension.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new KernelConfigurationProvider(ctx)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: (f) => new KernelConfigurationProvider().provideDebugConfigurations(f) }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    // A kernel session changes the VM (it boots it with the stub, or stops it): refresh the VM view.
    vscode.debug.onDidStartDebugSession((s) => s.type === DEBUG_TYPE && ctx.vm.refresh()),
    vscode.debug.onDidTerminateDebugSession((s) => s.type === DEBUG_TYPE && ctx.vm.refresh()),
  );
}
