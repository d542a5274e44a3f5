// The Tracepoints view's data: the running guest's tracefs events (available_events) (read once per boot, on demand) and
// the user's filter, kept in the `ring0.tracepointsFiltered` context key for the view's title buttons.
import * as vscode from 'vscode';
import { TRACEFS } from '../../kernel/observe/trace';
import { filterTracepoints, listTracepoints, type TracepointCategory } from '../../kernel/observe/tracepoints';
import type { Ring0Context } from '../context';
import { ContextKeys } from '../manifest';
import type { GuestAgent } from './guestAgent';

export class TracepointsController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private all: TracepointCategory[] | undefined;
  private loadedFor: number | undefined;
  filter = '';
  private readonly sub: vscode.Disposable;

  constructor(private readonly ctx: Ring0Context, private readonly guest: GuestAgent) {
    this.sub = ctx.vm.onDidChange((s) => {
      const pid = s.status.state === 'running' ? s.status.pid : undefined;
      if (pid !== this.loadedFor) {
        this.all = undefined;
        this.loadedFor = undefined;
        this.changed.fire();
      }
    });
  }

  /** Categories matching the filter; [] when no VM runs (the welcome content shows). */
  async categories(): Promise<TracepointCategory[]> {
    if (!this.guest.running) return [];
    if (!this.all) {
      try {
        this.all = await listTracepoints(await this.guest.get());
        this.loadedFor = this.ctx.vm.snapshot.status.pid;
      } catch (e) {
        this.ctx.log.warn(`Tracepoints view: cannot read ${TRACEFS}/available_events: ${(e as Error).message}`);
        this.guest.reset();
        return [];
      }
    }
    return filterTracepoints(this.all, this.filter);
  }

  setFilter(filter: string): void {
    this.filter = filter.trim();
    void vscode.commands.executeCommand('setContext', ContextKeys.TracepointsFiltered, this.filter !== '');
    this.changed.fire();
  }

  refresh(): void {
    this.all = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
