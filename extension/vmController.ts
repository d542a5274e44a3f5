// Tracks the workspace VM for the extension: one change signal from watching the VM's vm.json (a slow
// poll only catches a QEMU that died without writing it), the serial log tailed into an output channel,
// the `ring0.vmState` context key, and start/stop through kernel/vm.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import * as vscode from 'vscode';
import { connectAgent, startVm, stopVm, vmStatus } from '../kernel/vm/manager';
import { vmPaths } from '../kernel/vm/paths';
import { readState, type VmStatus } from '../kernel/vm/state';
import { dumpsDir, listDumps } from '../kernel/vm/dumps';
import { SerialWatcher } from '../kernel/vm/serialWatch';
import { packagedKernel } from '../kernel/vm/kernelImage';
import type { VmSettings } from '../kernel/vm/settings';
import { snapshotKey, type VmSnapshot } from '../kernel/vm/snapshot';
import type { Ring0Context } from './context';
import { ContextKeys } from './manifest';
import { assertTrusted } from './trust';

/** vm.json is watched; this poll finds a state directory that appeared and a QEMU that died silently. */
const FALLBACK_POLL_MS = 5000;

export class VmController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VmSnapshot>();
  readonly onDidChange = this.changed.event;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private serialTail: SerialWatcher | undefined;
  private readonly serialChannel: vscode.OutputChannel;
  private lastKey = '';
  private lastStateKey = '';
  private snapshotCache: VmSnapshot = { status: { state: 'stopped' } };
  private modulesCache: { at: number; modules: string[] } | undefined;

  /** `ctx` may be the partly built context: only log, config, cliPath and workspaceRoot are used. */
  constructor(private readonly ctx: Pick<Ring0Context, 'log' | 'config' | 'cliPath' | 'workspaceRoot'>) {
    this.serialChannel = vscode.window.createOutputChannel('Ring0 VM Serial');
  }

  /** Watches the VM's state (vm.json, with the slow fallback poll); only in a Ring0 workspace (see KernelWorkspace). */
  startPolling(): void {
    this.timer ??= setInterval(() => this.update(), FALLBACK_POLL_MS);
    this.update();
  }

  get workspace(): string | undefined {
    return this.ctx.workspaceRoot();
  }

  get snapshot(): VmSnapshot {
    return this.snapshotCache;
  }

  /** Re-reads the VM now and its module list (after a command that may have changed either). */
  refresh(): void {
    this.update();
    if (this.snapshotCache.status.state === 'running') void this.loadModules(true);
  }

  private update(): void {
    const ws = this.workspace;
    if (!ws) return;
    this.ensureWatcher(ws);
    const state = readState(vmPaths(ws));
    const status = vmStatus(ws);
    const stateKey = JSON.stringify([status.state, status.pid]);
    const dumps = listDumps(dumpsDir(ws)).map(({ name, dump, sizeBytes, reason, summary, createdAt }) => ({ name, dump, sizeBytes, reason, createdAt, ...(summary ? { summary } : {}) }));
    this.snapshotCache = { status, ...(state ? { state } : {}), ...(this.modulesCache && status.state === 'running' ? { modules: this.modulesCache.modules } : {}), ...(dumps.length ? { dumps } : {}) };
    if (stateKey !== this.lastStateKey) {
      this.lastStateKey = stateKey;
      void vscode.commands.executeCommand('setContext', ContextKeys.VmState, status.state);
      this.followSerial(ws, status);
      if (status.state === 'running') void this.loadModules(true);
      if (status.state === 'panicked' && status.panic) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Ring0: the guest kernel panicked — {0}', status.panic.summary), vscode.l10n.t('Show Trace')).then((pick) => {
          if (pick) void vscode.commands.executeCommand('ring0.vm.focus');
        });
      }
    }
    this.fireIfChanged();
  }

  private fireIfChanged(): void {
    const key = snapshotKey(this.snapshotCache);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.changed.fire(this.snapshotCache);
  }

  private ensureWatcher(ws: string): void {
    if (this.watcher) return;
    const dir = vmPaths(ws).stateDir;
    if (!existsSync(dir)) return;
    try {
      this.watcher = watch(dir, (_e, file) => {
        if (file === 'vm.json' || file === null) this.update();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // the fallback poll still refreshes
    }
  }

  private followSerial(ws: string, status: VmStatus): void {
    if (status.state !== 'running' && status.state !== 'starting') return;
    this.serialTail?.stop();
    this.serialChannel.clear();
    const kernel = packagedKernel(status.kernel ?? 'unknown');
    this.serialTail = new SerialWatcher(vmPaths(ws).serialLog, kernel, 250);
    this.serialTail.on('data', (b: Buffer) => this.serialChannel.append(b.toString('utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')));
    this.serialTail.start();
  }

  /** Loaded modules from the guest's /proc/modules (refreshed at most every 5 s). */
  async loadModules(force = false): Promise<void> {
    const ws = this.workspace;
    if (!ws) return;
    if (!force && this.modulesCache && Date.now() - this.modulesCache.at < 5000) return;
    try {
      const agent = await connectAgent(ws);
      try {
        const r = await agent.run(['cat', '/proc/modules'], { timeoutMs: 5000 });
        const modules = r.stdout.toString('utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort();
        this.modulesCache = { at: Date.now(), modules };
        this.snapshotCache = { ...this.snapshotCache, modules };
        this.fireIfChanged();
      } finally {
        agent.close();
      }
    } catch (e) {
      this.ctx.log.warn(`could not list guest modules: ${(e as Error).message}`);
    }
  }

  settings(): VmSettings {
    return this.ctx.config.vmSettings(this.requireWorkspace(), (m) => this.ctx.log.warn(m));
  }

  async start(): Promise<void> {
    assertTrusted(vscode.l10n.t('Starting the VM'));
    const ws = this.requireWorkspace();
    const status = vmStatus(ws);
    if (status.state === 'running') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: the VM is already running ({0}).', status.accel?.toUpperCase() ?? ''));
      return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: starting the VM'), cancellable: false }, async (progress) => {
      let last = 0;
      const r = await startVm({
        workspace: ws,
        settings: this.settings(),
        cliPath: this.ctx.cliPath,
        onProgress: (label, fraction) => {
          const pct = fraction !== undefined ? Math.round(fraction * 100) : last;
          progress.report({ message: label, increment: Math.max(0, pct - last) });
          last = Math.max(last, pct);
        },
      });
      this.ctx.log.info(`VM running: ${r.state.kernel?.release} under ${r.status.accel} (${r.state.accelReason}), boot ${r.status.bootMs} ms`);
    });
    this.modulesCache = undefined;
    this.refresh();
  }

  async stop(): Promise<void> {
    const ws = this.requireWorkspace();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: stopping the VM') }, () => stopVm(ws));
    this.refresh();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  openConsole(): void {
    const ws = this.requireWorkspace();
    const terminal = vscode.window.createTerminal({
      name: 'Ring0 VM console',
      shellPath: process.execPath,
      shellArgs: [this.ctx.cliPath, 'vm', 'console', '--workspace', ws],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    terminal.show();
  }

  private requireWorkspace(): string {
    const ws = this.workspace;
    if (!ws) throw new Error('open a folder first: the VM belongs to a workspace folder');
    return ws;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    this.serialTail?.stop();
    this.serialChannel.dispose();
    this.changed.dispose();
  }
}
