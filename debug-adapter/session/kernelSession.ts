// The kernel Debug Adapter Protocol session: DAP requests in, gdb/MI commands out, against QEMU's
// gdb stub of the workspace's Ring0 VM. Runs inline in the extension and standalone (`ring0 dap`).
import {
  BreakpointEvent, DebugSession, Handles, InitializedEvent, ModuleEvent, OutputEvent,
  ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent, Scope, Source, StackFrame, StoppedEvent,
  TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../../kernel/host/testHostPaths';
import { GdbError, GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple, type MiTuple } from '../mi/parser';
import { bridgeUnixSocket, type StubBridge } from '../target/stubBridge';
import { releaseTarget, resolveTarget, type KernelTarget } from '../target/kernelTarget';
import { loadGdbScripts } from '../target/ownKernel';
import { faultingFrameIndex, framePath, kernelRelative, stopReason, toGdbFrame, vcpuName, type GdbFrame } from './frames';
import { hitConditionMet, parseHitCondition, parseLogMessage, type HitCondition } from './hitCondition';
import { REGS_HOLDERS, parseInfoLine } from './faultFrame';
import { MODULE_FREE_HOOK, MODULE_LOAD_HOOK, addSymbolFileCommand, findModuleFile, moduleKey, parseAddress, parseCharArray, readModule, type LoadedModule } from './moduleSymbols';
import { buildAndLoadModules } from './loadModules';
import { VariableStore, type VarRef } from './variables';

export interface KernelLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  workspace?: string;
  vmlinux?: string;
  sourceDir?: string;
  stopAtEntry?: boolean;
  hardwareBreakpoints?: boolean;
  stopOnPanic?: boolean;
  gdbPath?: string;
  /** Deepest stack shown; past the real frames gdb shows garbage. */
  maxStackDepth?: number;
  /** Module directories (relative to the workspace) to build and insert once the kernel runs. */
  modules?: string[];
}

export interface KernelSessionOptions {
  /** The bundled CLI (dist/cli.js) that runs the VM daemon. */
  cliPath: string;
  /** Workspace when the configuration names none (the CLI's working directory). */
  defaultWorkspace?: string;
}

interface BreakpointInfo {
  gdbId: number;
  hit?: HitCondition;
  hits: number;
  log?: ReturnType<typeof parseLogMessage>;
  dap: DebugProtocol.Breakpoint;
}

const DEFAULT_MAX_DEPTH = 64;

export class KernelDebugSession extends DebugSession {
  private gdb?: GdbProcess;
  private target?: KernelTarget;
  private args: KernelLaunchArguments = {};
  private readonly sourceBreakpoints = new Map<string, BreakpointInfo[]>();
  private functionBreakpoints: BreakpointInfo[] = [];
  private readonly byGdbId = new Map<number, BreakpointInfo>();
  private readonly frames = new Handles<{ thread: number; level: number; faultRegs?: boolean }>();
  private readonly vars = new VariableStore();
  private readonly modules = new Map<string, LoadedModule>();
  private readonly hooks = new Map<number, 'load' | 'free' | 'panic'>();
  private nextBreakpointId = 1;
  private lastThread = 1;
  private running = false;
  private ending = false;
  private panicStop = false;
  private supportsProgress = false;
  private registerNames?: string[];
  private bridge?: StubBridge;

  constructor(private readonly opts: KernelSessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.supportsProgress = !!args.supportsProgressReporting;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsInstructionBreakpoints: true,
      supportsTerminateRequest: true,
      supportsModulesRequest: true,
      supportsValueFormattingOptions: false,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: KernelLaunchArguments): Promise<void> {
    await this.startSession(response, args, 'launch');
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: KernelLaunchArguments): Promise<void> {
    await this.startSession(response, args, 'attach');
  }

  private async startSession(response: DebugProtocol.Response, given: KernelLaunchArguments | undefined, request: 'launch' | 'attach'): Promise<void> {
    // A client may send no arguments at all (DAP allows it): that is a bare launch/attach.
    const args = given ?? {};
    this.args = args;
    const workspace = path.resolve(args.workspace ?? this.opts.defaultWorkspace ?? process.cwd());
    const progressId = `ring0-${request}`;
    const progress = (message: string) => {
      if (this.supportsProgress) this.sendEvent(new ProgressUpdateEvent(progressId, message));
      else this.sendEvent(new OutputEvent(`${message}\n`, 'console'));
    };
    if (this.supportsProgress) this.sendEvent(new ProgressStartEvent(progressId, request === 'launch' ? 'Ring0: starting kernel debugging' : 'Ring0: attaching to the VM'));
    try {
      this.target = await resolveTarget({ workspace, request, vmlinux: args.vmlinux, sourceDir: args.sourceDir, cliPath: this.opts.cliPath, onProgress: progress });
      progress('Loading kernel symbols');
      await this.startGdb(this.target, args);
      progress('Connecting to the gdb stub');
      this.bridge = await bridgeUnixSocket(this.target.gdbSocket);
      await this.gdb!.send(mi.targetSelectRemote(this.bridge.address), 60_000);
      await this.checkKernelMatches();
      await this.insertHooks(args);
      this.running = false;
      this.sendResponse(response);
      this.sendEvent(new InitializedEvent());
    } catch (e) {
      await this.teardown();
      this.sendErrorResponse(response, { id: 1001, format: errorText(e), showUser: true });
    } finally {
      if (this.supportsProgress) this.sendEvent(new ProgressEndEvent(progressId));
    }
  }

  private async startGdb(t: KernelTarget, args: KernelLaunchArguments): Promise<void> {
    const cache = path.join(cacheDir(), 'gdb-index');
    // gdb's index cache makes the second and later loads of the 590 MB DWARF vmlinux fast.
    const logFile = process.env.RING0_DAP_LOG;
    const trace = logFile ? (line: string) => appendFileSync(logFile, `${new Date().toISOString().slice(11, 23)} ${line}\n`) : undefined;
    const gdb = new GdbProcess({ gdbPath: args.gdbPath, trace, args: ['-iex', 'set index-cache enabled on', '-iex', `set index-cache directory ${cache}`], cwd: t.workspace });
    this.gdb = gdb;
    gdb.on('exec', (cls, r) => void this.onExec(cls, r));
    gdb.on('notify', (cls, r) => this.onNotify(cls, r));
    gdb.on('output', (category, text) => {
      if (category !== 'console') this.sendEvent(new OutputEvent(text, category === 'target' ? 'stdout' : 'console'));
    });
    gdb.on('garbage', (line) => this.sendEvent(new OutputEvent(`gdb: ${line}\n`, 'console')));
    gdb.on('exit', (exit) => {
      if (this.ending) return;
      this.sendEvent(new OutputEvent(`gdb exited unexpectedly (${exit.signal ?? `code ${exit.code}`})${exit.stderr ? `: ${exit.stderr}` : ''}\n`, 'stderr'));
      void this.teardown().then(() => this.sendEvent(new TerminatedEvent()));
    });
    await gdb.send(mi.gdbSet('mi-async on'));
    await gdb.send(mi.gdbSet('confirm off'));
    await gdb.send(mi.gdbSet('pagination off'));
    await gdb.send(mi.gdbSet('print pretty off'));
    await gdb.send(mi.gdbSet('breakpoint pending on'));
    // A kernel of your own names the tree's files in its DWARF: no substitute-path.
    if (t.sourceDir && !t.ownBuild) {
      for (const from of ['debian/build/build_amd64_none_cloud-amd64']) {
        await gdb.console(`set substitute-path ${from} ${t.sourceDir}`);
      }
    }
    await gdb.send(mi.fileSymbolFile(t.vmlinux), 180_000);
    if (t.ownBuild) await loadGdbScripts(t.ownBuild, (c) => gdb.console(c), (l) => this.sendEvent(new OutputEvent(`Ring0: ${l}\n`, 'console')));
  }

  /** A vmlinux of another kernel puts breakpoints at the wrong places: compare its banner with the guest's. */
  private async checkKernelMatches(): Promise<void> {
    try {
      const banner = miString((await this.gdb!.send(mi.dataEvaluate('(char*)linux_banner'))).value) ?? '';
      const release = this.target?.release;
      if (release && banner && !banner.includes(release)) {
        throw new Error(`${this.target!.vmlinux} does not match the VM's kernel ${release} (its banner: ${banner.slice(0, 80)})`);
      }
      // Some of Debian's DWARF paths name the upstream version, which only the banner tells: "Debian 6.1.158-1".
      // (the compiler's "Debian 12.2.0-14" comes first: the kernel's is the last one).
      const upstream = [...banner.matchAll(/Debian (\d+\.\d+\.\d+)-/g)].at(-1)?.[1];
      if (upstream && this.target?.sourceDir && !this.target.ownBuild) await this.gdb!.console(`set substitute-path /build/reproducible-path/linux-${upstream} ${this.target.sourceDir}`);
    } catch (e) {
      if (e instanceof GdbError) throw new Error(`cannot read the kernel through the gdb stub: ${e.message}`);
      throw e;
    }
  }

  private async insertHooks(args: KernelLaunchArguments): Promise<void> {
    const hook = async (fn: string, kind: 'load' | 'free' | 'panic') => {
      try {
        const r = await this.gdb!.send(mi.breakInsert({ location: fn, pending: false }));
        const id = miNumber(miTuple(r.bkpt)?.number);
        if (id !== undefined) this.hooks.set(id, kind);
      } catch (e) {
        this.sendEvent(new OutputEvent(`Ring0: cannot watch ${fn} (${errorText(e)}); ${kind === 'panic' ? 'panics will not stop the debugger' : 'module symbols will not load automatically'}\n`, 'console'));
      }
    };
    await hook(MODULE_LOAD_HOOK, 'load');
    await hook(MODULE_FREE_HOOK, 'free');
    if (args.stopOnPanic !== false) {
      await hook('panic', 'panic');
      await hook('oops_begin', 'panic');
    }
  }

  protected override async configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): Promise<void> {
    this.sendResponse(response);
    if (this.args.stopAtEntry) {
      this.sendEvent(new StoppedEvent('entry', await this.currentThread()));
    } else {
      await this.resume();
    }
    if (this.args.modules?.length && this.target) void this.loadModules(this.target.workspace, this.args.modules);
  }

  private async loadModules(workspace: string, dirs: string[]): Promise<void> {
    const say = (line: string) => this.sendEvent(new OutputEvent(`Ring0: ${line}\n`, 'console'));
    for (const r of await buildAndLoadModules(workspace, dirs, say)) {
      this.sendEvent(new OutputEvent(`Ring0: ${r.dir}: ${r.message}\n`, r.ok ? 'console' : 'important'));
    }
  }

  // ---- breakpoints -------------------------------------------------------------------------------

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    const file = args.source.path ?? args.source.name ?? '';
    await this.withStopped(async () => {
      await this.deleteBreakpoints(this.sourceBreakpoints.get(file) ?? []);
      const infos: BreakpointInfo[] = [];
      for (const bp of args.breakpoints ?? []) {
        infos.push(await this.insertBreakpoint(mi.sourceLocation(this.gdbSourcePath(file), bp.line), bp, { line: bp.line, source: args.source }));
      }
      this.sourceBreakpoints.set(file, infos);
      response.body = { breakpoints: infos.map((i) => i.dap) };
    });
    this.sendResponse(response);
  }

  protected override async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    await this.withStopped(async () => {
      await this.deleteBreakpoints(this.functionBreakpoints);
      this.functionBreakpoints = [];
      for (const bp of args.breakpoints) this.functionBreakpoints.push(await this.insertBreakpoint(bp.name, bp, {}));
      response.body = { breakpoints: this.functionBreakpoints.map((i) => i.dap) };
    });
    this.sendResponse(response);
  }

  private instructionBreakpoints: BreakpointInfo[] = [];

  protected override async setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<void> {
    await this.withStopped(async () => {
      await this.deleteBreakpoints(this.instructionBreakpoints);
      this.instructionBreakpoints = [];
      for (const bp of args.breakpoints) {
        const addr = BigInt(bp.instructionReference) + BigInt(bp.offset ?? 0);
        this.instructionBreakpoints.push(await this.insertBreakpoint(`*0x${addr.toString(16)}`, bp, {}));
      }
      response.body = { breakpoints: this.instructionBreakpoints.map((i) => i.dap) };
    });
    this.sendResponse(response);
  }

  /** gdb finds kernel files by their path relative to the tree root; module files by their full path. */
  private gdbSourcePath(file: string): string {
    const src = this.target?.sourceDir;
    if (src && file.startsWith(src.replace(/\/$/, '') + '/')) return file.slice(src.replace(/\/$/, '').length + 1);
    return kernelRelative(file) ?? file;
  }

  private async insertBreakpoint(location: string, bp: { condition?: string; hitCondition?: string; logMessage?: string }, where: { line?: number; source?: DebugProtocol.Source }): Promise<BreakpointInfo> {
    const id = this.nextBreakpointId++;
    let hit: HitCondition | undefined;
    try {
      hit = bp.hitCondition ? parseHitCondition(bp.hitCondition) : undefined;
    } catch (e) {
      return { gdbId: -1, hits: 0, dap: { id, verified: false, message: errorText(e), ...where } };
    }
    try {
      const r = await this.gdb!.send(mi.breakInsert({ location, condition: bp.condition || undefined, hardware: this.args.hardwareBreakpoints }));
      const info: BreakpointInfo = { gdbId: miNumber(miTuple(r.bkpt)?.number) ?? -1, hit, hits: 0, log: bp.logMessage ? parseLogMessage(bp.logMessage) : undefined, dap: { id, verified: false, ...where } };
      this.applyGdbBreakpoint(info, miTuple(r.bkpt) ?? {});
      this.byGdbId.set(info.gdbId, info);
      return info;
    } catch (e) {
      return { gdbId: -1, hits: 0, dap: { id, verified: false, message: errorText(e), ...where } };
    }
  }

  /** Fills a DAP breakpoint from gdb's view: pending ones are unverified until their module loads. */
  private applyGdbBreakpoint(info: BreakpointInfo, b: MiTuple): boolean {
    const pending = miString(b.pending) !== undefined || miString(b.addr) === '<PENDING>';
    const loc = miTuple(miList(b.locations)[0]) ?? b;
    const line = miNumber(loc.line) ?? miNumber(b.line);
    const file = miString(loc.fullname) ?? miString(b.fullname);
    const before = info.dap.verified;
    info.dap.verified = !pending;
    info.dap.message = pending ? 'pending: binds when the code that holds it is loaded (e.g. when the module is inserted)' : undefined;
    if (!pending && line) info.dap.line = line;
    if (!pending && file && !info.dap.source) info.dap.source = new Source(path.basename(file), framePath({ fullname: file }, this.target?.sourceDir));
    const addr = miString(loc.addr);
    if (addr?.startsWith('0x')) info.dap.instructionReference = addr;
    return before !== info.dap.verified;
  }

  private async deleteBreakpoints(list: BreakpointInfo[]): Promise<void> {
    const ids = list.map((b) => b.gdbId).filter((id) => id > 0);
    for (const id of ids) this.byGdbId.delete(id);
    if (ids.length) await this.gdb!.send(mi.breakDelete(ids)).catch(() => undefined);
  }

  /** Breakpoints can only change while the target is stopped: interrupt, run, resume. */
  private async withStopped(fn: () => Promise<void>): Promise<void> {
    if (!this.gdb) return fn();
    if (!this.running) return fn();
    this.internalStop = true;
    const stopped = new Promise<void>((r) => (this.onInternalStop = r));
    await this.gdb.send(mi.execInterrupt());
    await stopped;
    try {
      await fn();
    } finally {
      this.internalStop = false;
      await this.resume();
    }
  }

  private internalStop = false;
  private onInternalStop?: () => void;

  // ---- execution ---------------------------------------------------------------------------------

  private async resume(): Promise<void> {
    const stale = this.vars.reset();
    this.frames.reset();
    this.running = true;
    try {
      await this.gdb!.send(mi.execContinue());
    } catch (e) {
      this.running = false;
      throw e;
    }
    // Variable objects of the last stop are deleted while the kernel runs, off the stepping path.
    for (const v of stale) void this.gdb!.send(mi.varDelete(v)).catch(() => undefined);
  }

  private async onExec(cls: string, r: MiTuple): Promise<void> {
    if (cls === 'running') {
      this.running = true;
      return;
    }
    if (cls !== 'stopped') return;
    this.running = false;
    const thread = miNumber(r['thread-id']) ?? this.lastThread;
    this.lastThread = thread;
    if (this.internalStop) {
      this.onInternalStop?.();
      return;
    }
    const reason = stopReason(r);
    if (reason === 'exited') {
      this.sendEvent(new OutputEvent('The VM has gone (QEMU exited or the stub closed).\n', 'stderr'));
      await this.teardown();
      this.sendEvent(new TerminatedEvent());
      return;
    }
    try {
      if (reason === 'breakpoint') {
        const id = miNumber(r.bkptno) ?? -1;
        const hook = this.hooks.get(id);
        if (hook === 'load' || hook === 'free') {
          // A module hook never stops the user's session, even when reading the module fails.
          await this.onModuleHook(hook, thread).catch((e) => this.sendEvent(new OutputEvent(`Ring0: module symbols: ${errorText(e)}\n`, 'stderr')));
          await this.resume();
          return;
        }
        if (hook === 'panic') {
          this.panicStop = true;
          this.sendEvent(new StoppedEvent('exception', thread, 'Kernel oops/panic'));
          return;
        }
        const info = this.byGdbId.get(id);
        if (info) {
          info.hits++;
          if (info.hit && !hitConditionMet(info.hit, info.hits)) {
            await this.resume();
            return;
          }
          if (info.log) {
            this.sendEvent(new OutputEvent(`${await this.formatLog(info.log, thread)}\n`, 'console'));
            await this.resume();
            return;
          }
        }
      }
    } catch (e) {
      this.sendEvent(new OutputEvent(`Ring0: ${errorText(e)}\n`, 'stderr'));
    }
    this.panicStop = false;
    this.sendEvent(new StoppedEvent(reason === 'unknown' || reason === 'signal' ? 'pause' : reason, thread));
  }

  private async formatLog(parts: ReturnType<typeof parseLogMessage>, thread: number): Promise<string> {
    let out = '';
    for (const p of parts) {
      if ('text' in p) out += p.text;
      else {
        try {
          out += miString((await this.gdb!.send(mi.dataEvaluate(p.expr, thread, 0))).value) ?? '';
        } catch (e) {
          out += `<${errorText(e)}>`;
        }
      }
    }
    return out;
  }

  private async onModuleHook(kind: 'load' | 'free', thread: number): Promise<void> {
    const gdb = this.gdb!;
    if (kind === 'free') {
      const name = parseCharArray(miString((await gdb.send(mi.dataEvaluate('mod->name', thread, 0))).value) ?? '');
      const m = name ? this.modules.get(moduleKey(name)) : undefined;
      if (m && name) {
        await gdb.console(`remove-symbol-file -a 0x${m.text.toString(16)}`).catch(() => undefined);
        this.modules.delete(moduleKey(name));
        this.sendEvent(new ModuleEvent('removed', { id: moduleKey(name), name }));
      }
      return;
    }
    const m = await readModule(gdb, thread);
    const old = this.modules.get(moduleKey(m.name));
    if (old) await gdb.console(`remove-symbol-file -a 0x${old.text.toString(16)}`).catch(() => undefined);
    const roots = [this.target!.workspace, ...(this.target?.sourceDir ? [] : [])];
    m.file = findModuleFile(m.name, roots);
    this.modules.set(moduleKey(m.name), m);
    const module: DebugProtocol.Module = {
      id: moduleKey(m.name), name: m.name, path: m.file, addressRange: `0x${m.text.toString(16)}`,
      symbolStatus: m.file ? 'Symbols loaded' : 'No symbols: no matching .ko in the workspace',
    };
    if (m.file) {
      await gdb.console(addSymbolFileCommand(m.file, m), 60_000);
      this.sendEvent(new OutputEvent(`Ring0: loaded symbols of module ${m.name} from ${path.relative(this.target!.workspace, m.file)} at 0x${m.text.toString(16)}\n`, 'console'));
    }
    this.sendEvent(new ModuleEvent(old ? 'changed' : 'new', module));
    await this.refreshBreakpoints();
  }

  /** After symbols change, pending breakpoints may have bound: report the new state. */
  private async refreshBreakpoints(): Promise<void> {
    const r = await this.gdb!.send('-break-list');
    const body = miTuple(r.BreakpointTable);
    for (const b of miList(body?.body)) {
      const t = miTuple(b);
      const info = t && this.byGdbId.get(miNumber(t.number) ?? -1);
      if (t && info && this.applyGdbBreakpoint(info, t)) this.sendEvent(new BreakpointEvent('changed', info.dap as DebugProtocol.Breakpoint));
    }
  }

  private onNotify(cls: string, r: MiTuple): void {
    if (cls === 'thread-group-exited' && !this.ending) {
      // The stub's connection closed under gdb: QEMU died or the VM was stopped.
      this.sendEvent(new OutputEvent("The VM's gdb stub closed: QEMU exited or the VM was stopped. See the VM view or 'ring0 vm status'.\n", 'important'));
      void this.teardown().then(() => this.sendEvent(new TerminatedEvent()));
      return;
    }
    if (cls === 'breakpoint-modified') {
      const b = miTuple(r.bkpt);
      const info = b && this.byGdbId.get(miNumber(b.number) ?? -1);
      if (b && info && this.applyGdbBreakpoint(info, b)) this.sendEvent(new BreakpointEvent('changed', info.dap as DebugProtocol.Breakpoint));
    }
  }

  private async currentThread(): Promise<number> {
    try {
      const r = await this.gdb!.send(mi.threadInfo());
      return miNumber(r['current-thread-id']) ?? this.lastThread;
    } catch {
      return this.lastThread;
    }
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    await this.run(response, () => this.resume());
    response.body = { allThreadsContinued: true };
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    await this.step(response, mi.execNext(args.threadId, args.granularity === 'instruction'));
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    await this.step(response, mi.execStep(args.threadId, args.granularity === 'instruction'));
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    await this.step(response, mi.execFinish(args.threadId));
  }

  protected override async stepBackRequest(response: DebugProtocol.StepBackResponse): Promise<void> {
    this.sendErrorResponse(response, { id: 1002, format: 'stepping back is not supported on a live kernel', showUser: true });
  }

  private async step(response: DebugProtocol.Response, command: string): Promise<void> {
    const stale = this.vars.reset();
    this.frames.reset();
    await this.run(response, async () => {
      this.running = true;
      await this.gdb!.send(command);
    });
    for (const v of stale) void this.gdb!.send(mi.varDelete(v)).catch(() => undefined);
  }

  private async run(response: DebugProtocol.Response, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.sendResponse(response);
    } catch (e) {
      this.running = false;
      this.sendErrorResponse(response, { id: 1003, format: errorText(e), showUser: true });
    }
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.run(response, async () => {
      await this.gdb!.send(mi.execInterrupt());
    });
  }

  // ---- state -------------------------------------------------------------------------------------

  protected override async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    try {
      const r = await this.gdb!.send(mi.threadInfo());
      response.body = {
        threads: miList(r.threads).map((t) => {
          const tt = miTuple(t) ?? {};
          const id = miNumber(tt.id) ?? 1;
          return new Thread(id, vcpuName(miString(tt['target-id']), id, miString(tt.details)));
        }),
      };
    } catch {
      response.body = { threads: [new Thread(this.lastThread, `CPU ${this.lastThread - 1}`)] };
    }
    this.sendResponse(response);
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): Promise<void> {
    const max = this.args.maxStackDepth ?? DEFAULT_MAX_DEPTH;
    const start = args.startFrame ?? 0;
    const levels = Math.min(args.levels || max, max - start);
    try {
      if (levels <= 0) {
        response.body = { stackFrames: [], totalFrames: start };
      } else {
        const r = await this.gdb!.send(mi.stackListFrames(args.threadId, start, start + levels - 1));
        const frames = miList(r.stack).map((f) => toGdbFrame(miTuple(f) ?? {}));
        const fault = this.panicStop ? faultingFrameIndex(frames) : 0;
        const stackFrames = frames.map((f, i) => this.toStackFrame(args.threadId, f, this.panicStop && i < fault));
        const synthetic = this.panicStop && start === 0 ? await this.faultFrame(args.threadId, frames) : undefined;
        if (synthetic) {
          // Where gdb's unwind stops (?? after the exception entry), show the faulting location instead.
          const at = fault < frames.length && !frames[fault].func ? fault : Math.min(fault, frames.length);
          let end = at;
          while (end < frames.length && !frames[end].func) end++;
          stackFrames.splice(at, end - at, synthetic);
        }
        response.body = {
          stackFrames,
          // Only claim more frames when gdb returned a full page (bounded by maxStackDepth).
          totalFrames: frames.length === levels && start + levels < max ? start + levels + 1 : start + frames.length,
        };
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1004, format: errorText(e) });
    }
  }

  /** A frame for the faulting instruction, from the pt_regs the oops machinery was handed. */
  private async faultFrame(thread: number, frames: GdbFrame[]): Promise<DebugProtocol.StackFrame | undefined> {
    for (const f of frames) {
      if (!REGS_HOLDERS.test(f.func ?? '')) continue;
      try {
        const ip = parseAddress(miString((await this.gdb!.send(mi.dataEvaluate('regs->ip', thread, f.level))).value) ?? '');
        if (!ip) continue;
        const hex = `0x${ip.toString(16)}`;
        const where = parseInfoLine(await this.gdb!.console(`info line *${hex}`)) ?? {};
        const p = where.file ? framePath({ fullname: where.file }, this.target?.sourceDir) : undefined;
        const id = this.frames.create({ thread, level: f.level, faultRegs: true });
        const sf: DebugProtocol.StackFrame = new StackFrame(id, where.func ?? hex, p ? new Source(path.basename(p), p) : undefined, where.line ?? 0, 1);
        sf.instructionPointerReference = hex;
        return sf;
      } catch {
        // this frame has no readable regs: try the next one
      }
    }
    return undefined;
  }

  private toStackFrame(thread: number, f: GdbFrame, subtle: boolean): DebugProtocol.StackFrame {
    const id = this.frames.create({ thread, level: f.level });
    const name = f.func ?? f.addr ?? '??';
    const p = framePath(f, this.target?.sourceDir);
    const sf: DebugProtocol.StackFrame = new StackFrame(id, name, p ? new Source(path.basename(p), p) : undefined, f.line ?? 0, 1);
    if (p && !this.target?.sourceDir && kernelRelative(p)) {
      (sf.source as DebugProtocol.Source).origin = "kernel source not installed: run 'ring0 setup --kernel-source'";
    }
    if (f.addr) sf.instructionPointerReference = f.addr;
    if (!p) sf.presentationHint = 'subtle';
    if (subtle) sf.presentationHint = 'subtle';
    return sf;
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    const f = this.frames.get(args.frameId);
    if (!f) {
      this.sendErrorResponse(response, { id: 1005, format: 'that frame is gone: the kernel has run since' });
      return;
    }
    if (f.faultRegs) {
      // The faulting frame has no gdb frame of its own: show the registers saved at the fault.
      try {
        const regs = await this.vars.evaluate(this.gdb!, '*regs', f.thread, f.level);
        response.body = { scopes: [new Scope('Registers at the fault', regs.variablesReference, false)] };
        this.sendResponse(response);
      } catch (e) {
        this.sendErrorResponse(response, { id: 1005, format: errorText(e) });
      }
      return;
    }
    response.body = {
      scopes: [
        new Scope('Locals', this.vars.scope({ kind: 'locals', thread: f.thread, frame: f.level }), false),
        new Scope('Registers', this.vars.scope({ kind: 'registers', thread: f.thread, frame: f.level }), true),
      ],
    };
    this.sendResponse(response);
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    try {
      const ref = this.vars.get(args.variablesReference);
      if (!ref) throw new Error('those variables are gone: the kernel has run since');
      let variables: DebugProtocol.Variable[];
      if (ref.kind === 'locals') variables = await this.vars.locals(this.gdb!, ref.thread, ref.frame);
      else if (ref.kind === 'registers') variables = await this.registers(ref.thread, ref.frame);
      else variables = await this.vars.children(this.gdb!, ref as Extract<VarRef, { kind: 'var' }>, args.start, args.count);
      response.body = { variables };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1006, format: errorText(e) });
    }
  }

  private async registers(thread: number, frame: number): Promise<DebugProtocol.Variable[]> {
    if (!this.registerNames) this.registerNames = miList((await this.gdb!.send(mi.listRegisterNames()))['register-names']).map((n) => miString(n) ?? '');
    const r = await this.gdb!.send(mi.listRegisterValues(thread, frame));
    const out: DebugProtocol.Variable[] = [];
    for (const v of miList(r['register-values'])) {
      const t = miTuple(v);
      const name = this.registerNames[miNumber(t?.number) ?? -1];
      const value = miString(t?.value);
      // The general-purpose, segment and control registers; vector registers are noise here.
      if (!name || value === undefined || /^(st\d|f|x|y|k|zmm|ymm|xmm|mxcsr|fop|fstat|fctrl|ftag|fiseg|fioff|foseg|fooff)/.test(name)) continue;
      out.push({ name, value, variablesReference: 0, evaluateName: `$${name}`, memoryReference: /^0x/.test(value) ? value : undefined });
    }
    return out;
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const frame = args.frameId !== undefined ? this.frames.get(args.frameId) : undefined;
    try {
      const expr = args.expression.trim();
      if (args.context === 'repl' && (expr.startsWith('>') || expr.startsWith('-'))) {
        // `> info registers` runs a gdb CLI command; `-data-list-...` a raw MI command.
        const text = expr.startsWith('>') ? await this.gdb!.console(expr.slice(1).trim()) : JSON.stringify(await this.gdb!.send(expr));
        response.body = { result: text.trimEnd(), variablesReference: 0 };
      } else {
        response.body = await this.vars.evaluate(this.gdb!, expr, frame?.thread, frame?.level);
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1007, format: errorText(e), showUser: false });
    }
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    try {
      const ref = this.vars.get(args.variablesReference);
      if (!ref) throw new Error('that variable is gone: the kernel has run since');
      if (ref.kind === 'registers') {
        const r = await this.gdb!.send(mi.dataEvaluate(`$${args.name} = ${args.value}`, ref.thread, ref.frame));
        response.body = { value: miString(r.value) ?? args.value };
      } else {
        response.body = await this.vars.assign(this.gdb!, ref, args.name, args.value);
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1008, format: errorText(e), showUser: true });
    }
  }

  protected override async readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): Promise<void> {
    try {
      const start = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
      const count = Math.min(args.count, 1 << 20);
      const address = `0x${start.toString(16)}`;
      let bytes = Buffer.alloc(0);
      try {
        const r = await this.gdb!.send(mi.readMemory(address, count));
        const block = miTuple(miList(r.memory)[0]);
        bytes = Buffer.from(miString(block?.contents) ?? '', 'hex');
      } catch {
        // unreadable (unmapped) memory is reported as such, not as an error
      }
      response.body = { address, data: bytes.toString('base64'), unreadableBytes: count - bytes.length };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1009, format: errorText(e) });
    }
  }

  protected override async writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): Promise<void> {
    try {
      const start = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
      const data = Buffer.from(args.data, 'base64');
      await this.gdb!.send(mi.writeMemory(`0x${start.toString(16)}`, data.toString('hex')));
      response.body = { bytesWritten: data.length };
      this.sendResponse(response);
      this.sendEvent({ event: 'memory', seq: 0, type: 'event', body: { memoryReference: args.memoryReference, offset: args.offset ?? 0, count: data.length } } as DebugProtocol.MemoryEvent);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1010, format: errorText(e), showUser: true });
    }
  }

  protected override async disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): Promise<void> {
    try {
      const base = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
      const before = Math.max(0, -(args.instructionOffset ?? 0));
      const count = args.instructionCount;
      // x86 instructions are 1-15 bytes: decode from well before the address and keep the run that lands on it.
      const from = base - BigInt(before * 15 + 32);
      const to = base + BigInt(Math.max(count - before, 1) * 15 + 16);
      const r = await this.gdb!.send(mi.disassemble(`0x${from.toString(16)}`, `0x${to.toString(16)}`), 60_000);
      const lines = disassemblyLines(r);
      const at = lines.findIndex((l) => BigInt(l.address) >= base);
      const first = (at < 0 ? lines.length : at) + (args.instructionOffset ?? 0);
      const out: DebugProtocol.DisassembledInstruction[] = [];
      for (let i = first; out.length < count; i++) {
        if (i >= 0 && i < lines.length) out.push(lines[i]);
        else out.push({ address: '0x0', instruction: '??', presentationHint: 'invalid' });
        if (i > lines.length + count) break;
      }
      response.body = { instructions: out };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1011, format: errorText(e) });
    }
  }

  /** The library has no handler for DAP `modules`: it arrives as a custom request. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command !== 'modules') {
      super.customRequest(command, response, args);
      return;
    }
    (response as DebugProtocol.ModulesResponse).body = {
      modules: [...this.modules.values()].map((m) => ({ id: moduleKey(m.name), name: m.name, path: m.file, addressRange: `0x${m.text.toString(16)}`, symbolStatus: m.file ? 'Symbols loaded' : 'No symbols' })),
    };
    this.sendResponse(response);
  }

  // ---- ending ------------------------------------------------------------------------------------

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    const keepVm = args?.terminateDebuggee === false;
    if (keepVm && this.target) this.target.booted = false;
    await this.teardown(true);
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.teardown(true);
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** Detaches gdb (the kernel keeps running), ends gdb, and stops the VM if this session booted it. */
  private async teardown(detach = false): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    const gdb = this.gdb;
    if (gdb && !gdb.exited) {
      if (detach) {
        if (this.running) await gdb.send(mi.execInterrupt(), 5000).catch(() => undefined);
        await gdb.send('-target-detach', 5000).catch(() => undefined);
      }
      await gdb.dispose();
    }
    this.bridge?.close();
    if (this.target) await releaseTarget(this.target).catch(() => undefined);
  }
}

function disassemblyLines(r: MiTuple): DebugProtocol.DisassembledInstruction[] {
  const out: DebugProtocol.DisassembledInstruction[] = [];
  for (const src of miList(r.asm_insns)) {
    const t = miTuple(src) ?? {};
    const insns = t.line_asm_insn !== undefined ? miList(t.line_asm_insn) : [src];
    const file = miString(t.fullname) ?? miString(t.file);
    const line = miNumber(t.line);
    for (const [k, i] of insns.entries()) {
      const it = miTuple(i) ?? {};
      const address = miString(it.address);
      if (!address) continue;
      const fn = miString(it['func-name']);
      const off = miString(it.offset);
      out.push({
        address,
        instruction: miString(it.inst) ?? '',
        instructionBytes: miString(it.opcodes),
        symbol: fn ? `${fn}+${off ?? 0}` : undefined,
        ...(k === 0 && file && line ? { location: new Source(path.basename(file), file), line } : {}),
      });
    }
  }
  return out;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
