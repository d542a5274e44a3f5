// Typed access to the `ring0.*` settings; says when a change only takes effect at the next VM start.
import * as vscode from 'vscode';
import { SETTINGS } from './manifest';

export type Accel = 'auto' | 'kvm' | 'tcg';

export class Config {
  private get section() {
    return vscode.workspace.getConfiguration('ring0');
  }
  get kernel(): string { return this.section.get<string>('vm.kernel', ''); }
  get memoryMiB(): number { return this.section.get<number>('vm.memoryMiB', 512); }
  get cpus(): number { return this.section.get<number>('vm.cpus', 1); }
  get accel(): Accel { return this.section.get<Accel>('vm.accel', 'auto'); }
  get kernelArgs(): string[] { return this.section.get<string[]>('vm.kernelArgs', []); }
  get qemuArgs(): string[] { return this.section.get<string[]>('vm.qemuArgs', []); }
  get shareHostRoot(): boolean { return this.section.get<boolean>('vm.shareHostRoot', true); }
  get dumpsKeep(): number { return this.section.get<number>('dumps.keep', 3); }
  get devices(): string[] { return this.section.get<string[]>('vm.devices', []); }
  get clangdEnabled(): boolean { return this.section.get<boolean>('clangd.enabled', true); }
  get clangdPath(): string { return this.section.get<string>('clangd.path', ''); }
  get buildWatch(): boolean { return this.section.get<boolean>('build.watch', false); }

  /** Tells the user when a setting they changed needs a VM restart to apply. */
  watch(log: vscode.LogOutputChannel): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      const changed = SETTINGS.filter((s) => s.needsVmRestart && e.affectsConfiguration(s.key));
      if (changed.length === 0) return;
      log.info(`settings changed: ${changed.map((s) => s.key).join(', ')} (applies at the next VM start)`);
      void vscode.window.showInformationMessage(`Ring0: ${changed.map((s) => s.key).join(', ')} applies at the next VM start.`);
    });
  }
}
