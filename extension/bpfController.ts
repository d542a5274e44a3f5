// Keeps the BPF view current: while the VM runs and the view is visible, asks the guest every 2 s what
// Ring0 has loaded (the loader's `list`), over one agent connection that is reopened when it breaks.
import * as vscode from 'vscode';
import type { AgentClient } from '../kernel/agent/client';
import { listBpfObjects, type LoadedObject } from '../kernel/bpf/loader';
import { connectAgent } from '../kernel/vm/manager';
import type { Ring0Context } from './context';

export class BpfController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  objects: LoadedObject[] = [];
  private agent: AgentClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lastKey = '';

  /** Set once the view exists: polling happens only while it is visible. */
  isVisible: () => boolean = () => false;

  constructor(private readonly ctx: Ring0Context) {
    this.timer = setInterval(() => void this.poll(), 2000);
  }

  async poll(force = false): Promise<void> {
    const ws = this.ctx.workspaceRoot();
    if (this.busy || !ws || (!force && !this.isVisible())) return;
    if (this.ctx.vm.snapshot.status.state !== 'running') {
      this.agent?.close();
      this.agent = undefined;
      this.publish([]);
      return;
    }
    this.busy = true;
    try {
      if (!this.agent || this.agent.closed) this.agent = await connectAgent(ws);
      this.publish((await listBpfObjects(this.agent, { timeoutMs: 10_000 })).objects);
    } catch (e) {
      this.ctx.log.warn(`BPF view: ${(e as Error).message}`);
      this.agent?.close();
      this.agent = undefined;
    } finally {
      this.busy = false;
    }
  }

  private publish(objects: LoadedObject[]): void {
    const key = JSON.stringify(objects);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.objects = objects;
    this.changed.fire();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.agent?.close();
    this.changed.dispose();
  }
}
