// Typed access to the `ring0.*` settings; says when a change only takes effect at the next VM start.
import * as vscode from 'vscode';
import { VM_SETTING_KEYS, vmSettingsFrom, type VmSettings } from '../kernel/vm/settings';
import { SETTINGS } from './manifest';

export class Config {
  private get section() {
    return vscode.workspace.getConfiguration('ring0');
  }

  /**
   * The VM settings of a workspace folder as VS Code resolved them (user, workspace and folder
   * layers), validated like a settings.json: the one source for "Start VM" and F5 alike.
   */
  vmSettings(workspace: string, warn: (msg: string) => void): VmSettings {
    const section = vscode.workspace.getConfiguration('ring0', vscode.Uri.file(workspace));
    const raw: Record<string, unknown> = {};
    for (const key of VM_SETTING_KEYS) raw[`ring0.vm.${key}`] = section.get(`vm.${key}`);
    raw['ring0.dumps.keep'] = section.get('dumps.keep');
    return vmSettingsFrom(workspace, raw, warn);
  }
  get clangdEnabled(): boolean { return this.section.get<boolean>('clangd.enabled', true); }
  get clangdPath(): string { return this.section.get<string>('clangd.path', ''); }
  get buildWatch(): boolean { return this.section.get<boolean>('build.watch', false); }

  /** Tells the user when a setting they changed needs a VM restart to apply. */
  watch(log: vscode.LogOutputChannel): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      const changed = SETTINGS.filter((s) => s.needsVmRestart && e.affectsConfiguration(s.key));
      if (changed.length === 0) return;
      log.info(`settings changed: ${changed.map((s) => s.key).join(', ')} (applies at the next VM start)`);
      void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: {0} applies at the next VM start.', changed.map((s) => s.key).join(', ')));
    });
  }
}
