// The kernel debug engine (mock-debug's runtime): owns gdb and the one run state, hides every stop
// Ring0 takes for itself, and emits only the stops and resumes a client must hear about.
import { EventEmitter } from 'node:events';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miNumber, miString, miTuple, type MiTuple } from '../mi/parser';
import { stopReason } from '../session/frames';
import type { parseLogMessage } from '../session/hitCondition';
import { VariableStore } from '../session/variables';
import { stubAddress, type StubAddress } from '../target/stubAddress';
import { releaseTarget, resolveTarget, type KernelTarget } from '../target/kernelTarget';
import { Breakpoints } from './breakpoints';
import { DataBreakpoints, watchTrigger } from './dataBreakpoints';
import { HardwareSlots, X86_DEBUG_REGISTERS } from './hwSlots';
import { checkKernelMatches, configureGdb, startGdb } from './connect';
import { errorText } from './errors';
import { ModuleTracker } from './modules';
import { Registers } from './registers';
import { RunState, clientView, type RunEvent } from './runState';
import { StackBuilder } from './stack';
import type { Decision, EngineEvents, EngineOptions, RunSnapshot, StopReport } from './types';

export type { EngineOptions, OutputCategory, RunSnapshot, StopReport } from './types';

/** How long an internal interrupt may take before Ring0 gives up on it. */
const INTERRUPT_TIMEOUT_MS = 30_000;

export class KernelEngine extends EventEmitter<EngineEvents> {
  target?: KernelTarget;
  private gdbProc?: GdbProcess;
  private stub?: StubAddress;
  private opts?: EngineOptions;
  readonly run = new RunState();
  readonly vars = new VariableStore();
  /** The CPU's debug registers, shared by hardware breakpoints and data breakpoints. */
  readonly hwSlots = new HardwareSlots(() => this.opts?.hardwareLimit ?? X86_DEBUG_REGISTERS);
  readonly breakpoints = new Breakpoints(() => this.gdb, () => this.target?.sourceDir, () => !!this.opts?.hardwareBreakpoints, (bp) => this.emit('breakpoint', bp), this.hwSlots);
  readonly dataBreakpoints = new DataBreakpoints(() => this.gdb, this.hwSlots);
  readonly modules = new ModuleTracker(() => this.gdb, () => this.target?.workspace ?? this.opts?.workspace ?? '.', (line) => this.say(line));
  readonly stack = new StackBuilder(() => this.gdb, () => this.target?.sourceDir);
  readonly registers = new Registers(() => this.gdb);
  /** Internal work and stop handling run one at a time, so two internal stops never interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  private stopWaiter?: { resolve: (r: MiTuple) => void; reject: (e: Error) => void };
  private pauseRequested = false;
  private lastStop?: StopReport;
  private lastThread = 1;
  private gdbRunning = false;

  get gdb(): GdbProcess {
    if (!this.gdbProc) throw new Error('the debugger is not connected to the VM');
    return this.gdbProc;
  }

  /** The last stop shown was a data breakpoint's (the top frame then shows the writing line). */
  get watchStop(): boolean {
    return this.run.is('stopped') && this.lastStop?.reason === 'data breakpoint';
  }

  /** The last stop shown was an oops or panic (the stack then starts at the faulting frame). */
  get oopsStop(): boolean {
    return this.run.is('stopped') && this.lastStop?.reason === 'exception';
  }

  /** Boots or finds the VM, starts gdb on its vmlinux, connects to the stub and sets Ring0's hooks. */
  async start(o: EngineOptions): Promise<void> {
    this.opts = o;
    this.target = await resolveTarget({ workspace: o.workspace, request: o.request, vmlinux: o.vmlinux, sourceDir: o.sourceDir, settings: o.vmSettings, cliPath: o.cliPath, onProgress: o.onProgress });
    o.onProgress('Loading kernel symbols');
    const gdb = startGdb(this.target, o.gdbPath);
    this.gdbProc = gdb;
    gdb.on('exec', (cls, r) => this.onExec(cls, r));
    gdb.on('notify', (cls, r) => this.onNotify(cls, r));
    gdb.on('output', (category, text) => {
      if (category !== 'console') this.emit('output', text, category === 'target' ? 'stdout' : 'console');
    });
    gdb.on('garbage', (line) => this.say(`gdb: ${line}`));
    gdb.on('exit', (exit) => {
      this.stopWaiter?.reject(new Error('gdb exited'));
      if (this.run.is('ending', 'ended')) return;
      this.emit('output', `gdb exited unexpectedly (${exit.signal ?? `code ${exit.code}`})${exit.stderr ? `: ${exit.stderr}` : ''}\n`, 'stderr');
      void this.teardown().then(() => this.emit('terminated'));
    });
    await configureGdb(gdb, this.target, (l) => this.emit('output', `Ring0: ${l}\n`, 'console'));
    o.onProgress('Connecting to the gdb stub');
    this.stub = stubAddress(this.target.gdbSocket);
    // gdb reports the stop it finds on attach: the phase is `starting`, so no client hears of it.
    await gdb.send(mi.targetSelectRemote(this.stub.address), 60_000);
    await checkKernelMatches(gdb, this.target);
    await this.modules.insertHooks(o.stopOnPanic !== false);
  }

  /** The client has set its breakpoints: stop at entry (the attach stop becomes the user's) or run. */
  configurationDone(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.run.is('starting')) return;
      if (this.opts?.stopAtEntry) this.userStop({ reason: 'entry', thread: await this.currentThread() }, 'entry');
      else await this.resumeGdb('configured');
    });
  }

  /** Runs FN with the kernel stopped: an internal interrupt when it runs, resumed after unless the user stopped it meanwhile. */
  withStopped<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      if (!this.run.is('running')) return fn();
      this.run.move('internal-stop');
      const stop = this.nextStop();
      await this.gdb.send(mi.execInterrupt()).catch(() => undefined);
      let user: StopReport | undefined;
      try {
        const d = await this.classify(await stop, true);
        if (d === 'exited') throw new Error('the VM has gone');
        user = d;
      } catch (e) {
        if (this.run.is('internal')) await this.finish(undefined);
        throw e;
      }
      try {
        return await fn();
      } finally {
        await this.finish(user);
      }
    });
  }

  /** The user's continue. */
  continue(): Promise<void> {
    return this.exclusive(async () => {
      if (this.run.is('stopped')) await this.resumeGdb('resume');
    });
  }

  /** The user's next / step in / step out (COMMAND from mi's builders). */
  step(command: string): Promise<void> {
    return this.exclusive(async () => {
      if (!this.run.is('stopped')) throw new Error('the kernel is running: pause it before stepping');
      await this.resumeGdb('resume', command);
    });
  }

  /** The user's pause: an interrupt while running, or a flag the internal work in progress honours. */
  async pause(): Promise<void> {
    if (!this.run.is('running', 'internal')) return;
    this.pauseRequested = true;
    if (this.run.is('running')) await this.gdb.send(mi.execInterrupt());
  }

  /**
   * The run state once the internal work queued now is done. A phase that gdb's records have not
   * caught up with yet (a resume whose `*running` or a stop whose handling is still on its way) is
   * asked again shortly, so the answer is a settled one.
   */
  async snapshot(): Promise<RunSnapshot> {
    let s: RunSnapshot | undefined;
    for (let i = 0; i < 20; i++) {
      s = await this.exclusive(async () => ({ phase: this.run.phase, client: clientView(this.run.phase), gdbRunning: this.gdbRunning }));
      if ((s.phase === 'running') === s.gdbRunning || !this.run.is('running', 'stopped')) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    return s!;
  }

  async currentThread(): Promise<number> {
    try {
      return miNumber((await this.gdb.send(mi.threadInfo()))['current-thread-id']) ?? this.lastThread;
    } catch {
      return this.lastThread;
    }
  }

  get thread(): number {
    return this.lastThread;
  }

  /** Detaches gdb (the kernel keeps running), ends gdb, and stops the VM if this session booted it. */
  async teardown(detach = false): Promise<void> {
    if (this.run.is('ending', 'ended')) return;
    this.run.move('end');
    const gdb = this.gdbProc;
    if (gdb && !gdb.exited) {
      if (detach) {
        if (this.gdbRunning) await gdb.send(mi.execInterrupt(), 5000).catch(() => undefined);
        await gdb.send(mi.targetDetach(), 5000).catch(() => undefined);
      }
      await gdb.dispose();
    }
    this.stub?.close();
    if (this.target) await releaseTarget(this.target).catch(() => undefined);
    this.run.move('ended');
  }

  // ---- the run state -----------------------------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private nextStop(): Promise<MiTuple> {
    return new Promise<MiTuple>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stopWaiter = undefined;
        reject(new Error(`the kernel did not stop within ${INTERRUPT_TIMEOUT_MS / 1000} s of Ring0's interrupt`));
      }, INTERRUPT_TIMEOUT_MS);
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.stopWaiter = undefined;
        f();
      };
      this.stopWaiter = { resolve: (r) => done(() => resolve(r)), reject: (e) => done(() => reject(e)) };
    });
  }

  /** Resumes gdb (a continue, or the user's step COMMAND); variables and frames of the stop are dropped. */
  private async resumeGdb(event: Extract<RunEvent, 'configured' | 'resume' | 'internal-resume'>, command = mi.execContinue()): Promise<void> {
    const stale = this.vars.reset();
    this.stack.reset();
    this.run.move(event);
    try {
      await this.gdb.send(command);
    } catch (e) {
      this.run.move('resume-failed');
      // Only the user's own resume has a response to carry the error; otherwise say the kernel is stopped.
      if (event !== 'resume') this.emit('stopped', { reason: 'pause', thread: this.lastThread, text: `Ring0 could not resume the kernel: ${errorText(e)}` });
      throw e;
    }
    // Variable objects of the last stop are deleted while the kernel runs, off the stepping path.
    for (const v of stale) void this.gdb.send(mi.varDelete(v)).catch(() => undefined);
  }

  /** Ends internal work: the user's stop if one came up (or a pause was asked), else the kernel runs on. */
  private async finish(user: StopReport | undefined): Promise<void> {
    if (!this.run.is('internal')) return;
    if (!user && this.pauseRequested) user = { reason: 'pause', thread: this.lastThread };
    if (user) this.userStop(user, 'user-stop');
    else await this.resumeGdb('internal-resume');
  }

  private userStop(s: StopReport, event: 'user-stop' | 'entry'): void {
    this.pauseRequested = false;
    this.lastStop = s;
    this.run.move(event);
    this.emit('stopped', s);
  }

  private onExec(cls: string, r: MiTuple): void {
    if (cls === 'running') {
      this.gdbRunning = true;
      // Ring0 moves the phase before it resumes; a resume in `stopped` is someone else's (the REPL's).
      if (this.run.is('stopped')) {
        this.run.move('unasked-resume');
        this.vars.reset();
        this.stack.reset();
        this.emit('continued', this.lastThread);
      }
      return;
    }
    if (cls !== 'stopped') return;
    this.gdbRunning = false;
    this.lastThread = miNumber(r['thread-id']) ?? this.lastThread;
    if (this.stopWaiter) this.stopWaiter.resolve(r);
    else void this.exclusive(() => this.handleStop(r)).catch((e) => this.say(`Ring0: ${errorText(e)}`));
  }

  /** A stop nobody waited for: a user stop, or one Ring0 handles and resumes from unseen. */
  private async handleStop(r: MiTuple): Promise<void> {
    // In `starting` this is the attach stop; in `stopped`/`ending` nothing is owed to the client.
    if (!this.run.is('running')) return;
    this.run.move('internal-stop');
    let d: Decision;
    try {
      d = await this.classify(r, false);
    } catch (e) {
      // Whatever failed while deciding, the kernel is stopped: show it rather than hide it.
      this.emit('output', `Ring0: ${errorText(e)}\n`, 'stderr');
      d = { reason: 'pause', thread: this.lastThread };
    }
    if (d !== 'exited') await this.finish(d);
  }

  /** What a stop means: the user's stop, undefined for Ring0's own (hooks, hit counts, logpoints, its interrupt). */
  private async classify(r: MiTuple, interrupted: boolean): Promise<Decision> {
    const thread = miNumber(r['thread-id']) ?? this.lastThread;
    const reason = stopReason(r);
    if (reason === 'exited') {
      this.emit('output', 'The VM has gone (QEMU exited or the stub closed).\n', 'stderr');
      await this.teardown();
      this.emit('terminated');
      return 'exited';
    }
    const watch = watchTrigger(r);
    if (watch) {
      const hit = this.dataBreakpoints.hit(watch.id);
      if (hit?.kind === 'skip') return undefined;
      return { reason: 'data breakpoint', thread, text: hit ? `${hit.text}${watch.change ? `: ${watch.change}` : ''}` : watch.change, ...(hit ? { hitBreakpointIds: [hit.dapId] } : {}) };
    }
    if (reason === 'breakpoint') {
      const id = miNumber(r.bkptno) ?? -1;
      const hook = this.modules.hookOf(id);
      if (hook === 'panic') return { reason: 'exception', thread, text: 'Kernel oops/panic' };
      if (hook) {
        // A module hook never stops the user's session, even when reading the module fails.
        try {
          const change = await this.modules.onHook(hook, thread);
          if (change) this.emit('module', change);
          if (change && change.reason !== 'removed') await this.breakpoints.refresh();
        } catch (e) {
          this.emit('output', `Ring0: module symbols: ${errorText(e)}\n`, 'stderr');
        }
        return undefined;
      }
      const hit = this.breakpoints.hit(id);
      if (hit?.kind === 'skip') return undefined;
      if (hit?.kind === 'log') {
        this.say(await this.formatLog(hit.parts, thread));
        return undefined;
      }
      return { reason: 'breakpoint', thread, ...(hit ? { hitBreakpointIds: [hit.dapId] } : {}) };
    }
    // gdb reports Ring0's own interrupt as SIGINT (or a bare stop): a pause only when the user asked for one.
    if (reason === 'pause' || reason === 'signal' || reason === 'unknown') return interrupted ? undefined : { reason: 'pause', thread };
    return { reason: reason === 'exception' || reason === 'step' || reason === 'entry' ? reason : 'pause', thread };
  }

  private async formatLog(parts: ReturnType<typeof parseLogMessage>, thread: number): Promise<string> {
    let out = '';
    for (const p of parts) {
      if ('text' in p) out += p.text;
      else {
        try {
          out += miString((await this.gdb.send(mi.dataEvaluate(p.expr, thread, 0))).value) ?? '';
        } catch (e) {
          out += `<${errorText(e)}>`;
        }
      }
    }
    return out;
  }

  private onNotify(cls: string, r: MiTuple): void {
    if (cls === 'thread-group-exited' && !this.run.is('ending', 'ended')) {
      // The stub's connection closed under gdb: QEMU died or the VM was stopped.
      this.emit('output', "The VM's gdb stub closed: QEMU exited or the VM was stopped. See the VM view or 'ring0 vm status'.\n", 'important');
      this.stopWaiter?.reject(new Error('the VM has gone'));
      void this.teardown().then(() => this.emit('terminated'));
      return;
    }
    if (cls === 'breakpoint-modified') this.breakpoints.modified(miTuple(r.bkpt));
  }

  private say(line: string): void {
    this.emit('output', `${line}\n`, 'console');
  }
}
