// Keeps the BPF view current: while the VM runs and the view is visible, polls the guest every second
// (what Ring0 loaded, bpftool prog/map show, entry counts) and keeps kernel BPF stats on, as bpftop
// does — turned on when the view shows, restored to their previous setting when it hides.
import * as vscode from 'vscode';
import { listBpfObjects } from '../kernel/bpf/loader';
import { buildSnapshot, countableMapIds, EMPTY_SNAPSHOT, parsePollOutput, POLL_SCRIPT, type BpfSnapshot } from '../views/model/bpfSnapshot';
import type { Ring0Context } from './context';
import type { GuestAgent } from './observe/guestAgent';

const STATS = '/proc/sys/kernel/bpf_stats_enabled';
export const BPF_POLL_MS = 1000;

export class BpfController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  snapshot: BpfSnapshot = EMPTY_SNAPSHOT;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lastKey = '';
  /** The stats setting found before Ring0 turned stats on; undefined while Ring0 has not. */
  private statsBefore: string | undefined;
  /** The VM (QEMU pid) whose stats setting statsBefore belongs to: a restarted VM starts with stats off. */
  private statsVm: number | undefined;
  private lastWarning = '';

  /** Set once the view exists: polling happens only while it is visible. */
  isVisible: () => boolean = () => false;

  constructor(private readonly ctx: Ring0Context, private readonly guest: GuestAgent) {
    this.timer = setInterval(() => void this.poll(), BPF_POLL_MS);
  }

  async poll(force = false): Promise<void> {
    const ws = this.ctx.workspaceRoot();
    if (this.busy || !ws) return;
    const visible = this.isVisible();
    if (!force && !visible) {
      if (this.statsBefore !== undefined) await this.restoreStats();
      return;
    }
    if (!this.guest.running) {
      this.statsBefore = undefined;
      this.publish(EMPTY_SNAPSHOT);
      return;
    }
    this.busy = true;
    try {
      const agent = await this.guest.get();
      if (this.statsVm !== this.ctx.vm.snapshot.status.pid) this.statsBefore = undefined;
      if (visible && this.statsBefore === undefined) await this.enableStats();
      const objects = (await listBpfObjects(agent, { timeoutMs: 10_000 })).objects;
      const ids = countableMapIds(objects);
      const r = await agent.run(['sh', '-c', POLL_SCRIPT, 'ring0-bpfview', ...ids.map(String)], { timeoutMs: 10_000 });
      if (r.exitCode !== 0) throw new Error(`bpftool failed: ${r.stderr.toString().trim()}`);
      this.publish(buildSnapshot(objects, parsePollOutput(r.stdout.toString()), this.statsBefore !== undefined, this.snapshot, Date.now()));
      this.lastWarning = '';
    } catch (e) {
      // Once per distinct failure, not once a second.
      const msg = (e as Error).message;
      if (msg !== this.lastWarning) this.ctx.log.warn(`BPF view: ${msg}`);
      this.lastWarning = msg;
      this.guest.reset();
    } finally {
      this.busy = false;
    }
  }

  private async enableStats(): Promise<void> {
    const agent = await this.guest.get();
    const r = await agent.run(['sh', '-c', 'cat "$1" && echo 1 > "$1"', 'ring0-stats', STATS], { timeoutMs: 10_000 });
    if (r.exitCode === 0) {
      this.statsBefore = r.stdout.toString().trim() || '0';
      this.statsVm = this.ctx.vm.snapshot.status.pid;
    }
    else this.ctx.log.warn(`BPF view: cannot enable BPF stats: ${r.stderr.toString().trim()}`);
  }

  private async restoreStats(): Promise<void> {
    const before = this.statsBefore;
    this.statsBefore = undefined;
    if (before === undefined || !this.guest.running) return;
    try {
      const agent = await this.guest.get();
      await agent.run(['sh', '-c', 'echo "$2" > "$1"', 'ring0-stats', STATS, before === '1' ? '1' : '0'], { timeoutMs: 10_000 });
    } catch (e) {
      this.ctx.log.warn(`BPF view: cannot restore BPF stats: ${(e as Error).message}`);
    }
  }

  private publish(s: BpfSnapshot): void {
    this.snapshot = s;
    const key = JSON.stringify([s.objects, [...s.progs.values()], [...s.maps.values()]]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.changed.fire();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    void this.restoreStats();
    this.changed.dispose();
  }
}
