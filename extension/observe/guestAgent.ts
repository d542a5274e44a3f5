// One shared agent connection for the extension's observe views (BPF view, map tables, tracepoints):
// opened on first use while the VM runs, reopened when it breaks, closed when the VM stops.
import type * as vscode from 'vscode';
import type { AgentClient } from '../../kernel/agent/client';
import { connectAgent } from '../../kernel/vm/manager';
import type { Ring0Context } from '../context';

export class GuestAgent implements vscode.Disposable {
  private agent: AgentClient | undefined;
  private connecting: Promise<AgentClient> | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly ctx: Pick<Ring0Context, 'workspaceRoot' | 'vm'>) {
    this.sub = ctx.vm.onDidChange((s) => s.status.state !== 'running' && this.reset());
  }

  get running(): boolean {
    return this.ctx.vm.snapshot.status.state === 'running';
  }

  /** The connection; rejects with an actionable message when no VM runs. */
  async get(): Promise<AgentClient> {
    if (this.agent && !this.agent.closed) return this.agent;
    const ws = this.ctx.workspaceRoot();
    if (!ws) throw new Error('open a workspace folder first: the VM belongs to it');
    if (!this.running) throw new Error("no VM is running; start it with 'Ring0: Start VM'");
    this.connecting ??= connectAgent(ws).then(
      (a) => {
        this.agent = a;
        this.connecting = undefined;
        return a;
      },
      (e: unknown) => {
        this.connecting = undefined;
        throw e;
      },
    );
    return this.connecting;
  }

  /** A separate connection for a long-lived stream, so resets of the shared one do not end it. */
  async dedicated(): Promise<AgentClient> {
    const ws = this.ctx.workspaceRoot();
    if (!ws) throw new Error('open a workspace folder first: the VM belongs to it');
    return connectAgent(ws);
  }

  /** Drops the connection (after an error): the next get() reconnects. */
  reset(): void {
    this.agent?.close();
    this.agent = undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.reset();
  }
}
