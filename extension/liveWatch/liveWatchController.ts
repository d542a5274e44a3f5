// Live Watch: the watched expressions (kept per workspace) and a 5 Hz poll of their values through the
// VM daemon while the view is visible and the VM runs; the kernel is never stopped to read them.
import * as vscode from 'vscode';
import type { AgentClient } from '../../kernel/agent/client';
import { kernelSymbolsFor, parseWatch, readWatches, type WatchReading } from '../../kernel/vm/liveWatch';
import { connectAgent, vmStatus } from '../../kernel/vm/manager';
import type { Ring0Context } from '../context';

const STATE_KEY = 'ring0.liveWatch.expressions';
export const LIVE_WATCH_HZ = 5;

export class LiveWatchController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  readings = new Map<string, WatchReading>();
  /** Why nothing is being read (no VM), shown on every row. */
  stateNote: string | undefined;
  isVisible: () => boolean = () => false;
  private timer?: NodeJS.Timeout;
  private agent?: AgentClient;
  /** The kernel's symbols, looked up once per VM connection rather than on every 5 Hz poll. */
  private symbols?: Map<string, bigint>;
  private busy = false;

  constructor(private readonly ctx: Ring0Context) {
    this.timer = setInterval(() => void this.poll(), 1000 / LIVE_WATCH_HZ);
  }

  get expressions(): string[] {
    return this.ctx.extension.workspaceState.get<string[]>(STATE_KEY, []);
  }

  async add(expression: string): Promise<void> {
    parseWatch(expression);
    if (this.expressions.includes(expression.trim())) return;
    await this.ctx.extension.workspaceState.update(STATE_KEY, [...this.expressions, expression.trim()]);
    this.changed.fire();
  }

  async remove(expression: string): Promise<void> {
    await this.ctx.extension.workspaceState.update(STATE_KEY, this.expressions.filter((e) => e !== expression));
    this.readings.delete(expression);
    this.changed.fire();
  }

  private async poll(): Promise<void> {
    const ws = this.ctx.workspaceRoot();
    if (this.busy || !ws || !this.isVisible() || this.expressions.length === 0) return;
    this.busy = true;
    try {
      if (vmStatus(ws).state !== 'running') {
        this.dropAgent();
        this.setNote('VM not running: start it to read values');
        return;
      }
      if (!this.agent) {
        this.agent = await connectAgent(ws);
        this.symbols = kernelSymbolsFor(ws);
      }
      const values = await readWatches(this.agent, this.expressions, this.symbols);
      this.readings = new Map(values.map((v) => [v.text, v]));
      this.stateNote = undefined;
      this.changed.fire();
    } catch (e) {
      this.dropAgent();
      this.setNote(`cannot reach the VM: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private setNote(note: string): void {
    if (this.stateNote === note) return;
    this.stateNote = note;
    this.changed.fire();
  }

  private dropAgent(): void {
    this.agent?.close();
    this.agent = undefined;
    this.symbols = undefined;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.dropAgent();
    this.changed.dispose();
  }
}
