// The kernel Debug Adapter Protocol session: translates DAP requests into calls on the debug engine
// and the engine's events into DAP events. Runs inline in the extension and standalone (`ring0 dap`).
import {
  BreakpointEvent, ContinuedEvent, DebugSession, InitializedEvent, MemoryEvent, ModuleEvent, OutputEvent,
  ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent, Scope, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import path from 'node:path';
import type { VmSettings } from '../../kernel/vm/settings';
import { KernelEngine } from '../engine/engine';
import { errorText } from '../engine/errors';
import { disassemble, readMemory, writeMemory } from '../engine/memory';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple } from '../mi/parser';
import { vcpuName } from './frames';
import { hardwareOption, type HardwareBreakpointsArg } from './launchArgs';
import { buildAndLoadModules, loadBuiltModules } from './loadModules';
import type { VarRef } from './variables';


export interface KernelLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  workspace?: string;
  vmlinux?: string;
  sourceDir?: string;
  stopAtEntry?: boolean;
  /** true: source breakpoints are hardware ones; the object form also sets how many debug registers the CPU has. */
  hardwareBreakpoints?: HardwareBreakpointsArg;
  stopOnPanic?: boolean;
  gdbPath?: string;
  /** Deepest stack shown; past the real frames gdb shows garbage. */
  maxStackDepth?: number;
  /** Module directories (relative to the workspace) to build and insert once the kernel runs. */
  modules?: string[];
  /** .ko files the client built already (VS Code's build service): inserted instead of building `modules`. */
  moduleArtifacts?: string[];
}

export interface KernelSessionOptions {
  /** The bundled CLI (dist/cli.js) that runs the VM daemon. */
  cliPath: string;
  /** Workspace when the configuration names none (the CLI's working directory). */
  defaultWorkspace?: string;
  /** The VM settings a launch boots with, as the client resolved them; without it, the workspace's settings.json. */
  vmSettings?: (workspace: string) => VmSettings;
}

/** Custom request: the engine's run state once its internal work is done (tests compare it with what the client was told). */
export const RUN_STATE_REQUEST = 'ring0/runState';

const DEFAULT_MAX_DEPTH = 64;

export class KernelDebugSession extends DebugSession {
  private readonly engine = new KernelEngine();
  private args: KernelLaunchArguments = {};
  private supportsProgress = false;

  constructor(private readonly opts: KernelSessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    const e = this.engine;
    e.on('stopped', (s) => {
      const ev = new StoppedEvent(s.reason, s.thread, s.text) as DebugProtocol.StoppedEvent;
      if (s.hitBreakpointIds) ev.body.hitBreakpointIds = s.hitBreakpointIds;
      this.sendEvent(ev);
    });
    e.on('continued', (thread) => this.sendEvent(new ContinuedEvent(thread, true)));
    e.on('output', (text, category) => this.sendEvent(new OutputEvent(text, category)));
    e.on('module', (m) => this.sendEvent(new ModuleEvent(m.reason, m.module)));
    e.on('breakpoint', (bp) => this.sendEvent(new BreakpointEvent('changed', bp)));
    e.on('terminated', () => this.sendEvent(new TerminatedEvent()));
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
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsSetExpression: true,
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
    const onProgress = (message: string) => {
      if (this.supportsProgress) this.sendEvent(new ProgressUpdateEvent(progressId, message));
      else this.sendEvent(new OutputEvent(`${message}\n`, 'console'));
    };
    if (this.supportsProgress) this.sendEvent(new ProgressStartEvent(progressId, request === 'launch' ? 'Ring0: starting kernel debugging' : 'Ring0: attaching to the VM'));
    const hw = hardwareOption(args.hardwareBreakpoints);
    if (typeof hw === 'string') {
      this.sendErrorResponse(response, { id: 1001, format: hw, showUser: true });
      return;
    }
    try {
      await this.engine.start({
        workspace, request, cliPath: this.opts.cliPath, onProgress, vmlinux: args.vmlinux, sourceDir: args.sourceDir, gdbPath: args.gdbPath, vmSettings: this.opts.vmSettings?.(workspace),
        stopAtEntry: args.stopAtEntry, hardwareBreakpoints: hw.enabled, hardwareLimit: hw.limit, stopOnPanic: args.stopOnPanic,
      });
      this.sendResponse(response);
      this.sendEvent(new InitializedEvent());
    } catch (e) {
      // Detach, so a VM that was attached to (and stopped by gdb's connect) runs on.
      await this.engine.teardown(true);
      this.sendErrorResponse(response, { id: 1001, format: errorText(e), showUser: true });
    } finally {
      if (this.supportsProgress) this.sendEvent(new ProgressEndEvent(progressId));
    }
  }

  protected override async configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): Promise<void> {
    this.sendResponse(response);
    await this.engine.configurationDone().catch((e) => this.sendEvent(new OutputEvent(`Ring0: ${errorText(e)}\n`, 'stderr')));
    const target = this.engine.target;
    if ((this.args.modules?.length || this.args.moduleArtifacts?.length) && target) void this.loadModules(target.workspace);
  }

  private async loadModules(workspace: string): Promise<void> {
    const say = (line: string) => this.sendEvent(new OutputEvent(`Ring0: ${line}\n`, 'console'));
    const prebuilt = this.args.moduleArtifacts?.filter((f) => f.endsWith('.ko'));
    const reports = prebuilt?.length ? await loadBuiltModules(workspace, prebuilt, say) : await buildAndLoadModules(workspace, this.args.modules ?? [], say);
    for (const r of reports) {
      this.sendEvent(new OutputEvent(`Ring0: ${r.dir}: ${r.message}\n`, r.ok ? 'console' : 'important'));
    }
  }

  // ---- breakpoints -------------------------------------------------------------------------------

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    const file = args.source.path ?? args.source.name ?? '';
    const bps = this.engine.breakpoints;
    const wanted = (args.breakpoints ?? []).map((bp) => ({ location: mi.sourceLocation(bps.gdbSourcePath(file), bp.line), bp, where: { line: bp.line, source: args.source } }));
    await this.answer(response, 1012, async () => ({ breakpoints: await this.engine.withStopped(() => bps.replace('source', file, wanted)) }));
  }

  protected override async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    const wanted = args.breakpoints.map((bp) => ({ location: bp.name, bp, where: {} }));
    await this.answer(response, 1012, async () => ({ breakpoints: await this.engine.withStopped(() => this.engine.breakpoints.replace('function', '', wanted)) }));
  }

  protected override async setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<void> {
    const wanted = args.breakpoints.map((bp) => ({ location: `*0x${(BigInt(bp.instructionReference) + BigInt(bp.offset ?? 0)).toString(16)}`, bp, where: {} }));
    await this.answer(response, 1012, async () => ({ breakpoints: await this.engine.withStopped(() => this.engine.breakpoints.replace('instruction', '', wanted)) }));
  }

  protected override async dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): Promise<void> {
    const { vars, dataBreakpoints } = this.engine;
    await this.answer(response, 1014, async () => {
      if (args.asAddress) return dataBreakpoints.info(`*(unsigned char (*)[${args.bytes ?? 1}]) ${args.name}`, undefined, undefined, args.bytes ?? 1);
      if (args.variablesReference !== undefined) {
        const ref = vars.get(args.variablesReference);
        if (ref?.kind === 'registers') return { dataId: null, description: 'a register cannot be watched: it is not memory' };
        const shown = ref && vars.shownAs(ref, args.name);
        if (!shown) return { dataId: null, description: `${args.name} is gone: the kernel has run since` };
        return dataBreakpoints.info(shown.evaluateName, shown.thread, shown.frame, args.bytes);
      }
      const f = args.frameId !== undefined ? this.engine.stack.frame(args.frameId) : undefined;
      return dataBreakpoints.info(args.name, f?.thread, f?.level, args.bytes);
    });
  }

  protected override async setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): Promise<void> {
    await this.answer(response, 1012, async () => ({ breakpoints: await this.engine.withStopped(() => this.engine.dataBreakpoints.replace(args.breakpoints)) }));
  }

  // ---- execution ---------------------------------------------------------------------------------

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    await this.answer(response, 1003, async () => {
      await this.engine.continue();
      return { allThreadsContinued: true };
    }, true);
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    await this.answer(response, 1003, () => this.engine.step(mi.execNext(args.threadId, args.granularity === 'instruction')), true);
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    await this.answer(response, 1003, () => this.engine.step(mi.execStep(args.threadId, args.granularity === 'instruction')), true);
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    await this.answer(response, 1003, () => this.engine.step(mi.execFinish(args.threadId)), true);
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.answer(response, 1003, () => this.engine.pause(), true);
  }

  // ---- state -------------------------------------------------------------------------------------

  protected override async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    try {
      const r = await this.engine.gdb.send(mi.threadInfo());
      response.body = {
        threads: miList(r.threads).map((t) => {
          const tt = miTuple(t) ?? {};
          const id = miNumber(tt.id) ?? 1;
          return new Thread(id, vcpuName(miString(tt['target-id']), id, miString(tt.details)));
        }),
      };
    } catch {
      response.body = { threads: [new Thread(this.engine.thread, `CPU ${this.engine.thread - 1}`)] };
    }
    this.sendResponse(response);
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): Promise<void> {
    const max = this.args.maxStackDepth ?? DEFAULT_MAX_DEPTH;
    await this.answer(response, 1004, () => this.engine.stack.page(args.threadId, args.startFrame ?? 0, args.levels ?? 0, max, this.engine.oopsStop, this.engine.watchStop));
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    const f = this.engine.stack.frame(args.frameId);
    if (!f) {
      this.sendErrorResponse(response, { id: 1005, format: 'that frame is gone: the kernel has run since' });
      return;
    }
    const vars = this.engine.vars;
    await this.answer(response, 1005, async () => {
      // The faulting frame has no gdb frame of its own: show the registers saved at the fault.
      if (f.faultRegs) return { scopes: [new Scope('Registers at the fault', (await vars.evaluate(this.engine.gdb, '*regs', f.thread, f.level)).variablesReference, false)] };
      return {
        scopes: [
          new Scope('Locals', vars.scope({ kind: 'locals', thread: f.thread, frame: f.level }), false),
          new Scope('Registers', vars.scope({ kind: 'registers', thread: f.thread, frame: f.level, group: 'top' }), true),
        ],
      };
    });
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    const { vars, gdb } = this.engine;
    await this.answer(response, 1006, async () => {
      const ref = vars.get(args.variablesReference);
      if (!ref) throw new Error('those variables are gone: the kernel has run since');
      if (ref.kind === 'locals') return { variables: await vars.locals(gdb, ref.thread, ref.frame) };
      if (ref.kind === 'registers') return { variables: await this.engine.registers.read(ref.thread, ref.frame, ref.group, (group) => vars.scope({ ...ref, group })) };
      return { variables: await vars.children(gdb, ref as Extract<VarRef, { kind: 'var' }>, args.start, args.count) };
    });
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const frame = args.frameId !== undefined ? this.engine.stack.frame(args.frameId) : undefined;
    try {
      const gdb = this.engine.gdb;
      const expr = args.expression.trim();
      if (args.context === 'repl' && (expr.startsWith('>') || expr.startsWith('-'))) {
        // `> info registers` runs a gdb CLI command; `-data-list-...` a raw MI command.
        const text = expr.startsWith('>') ? await gdb.console(expr.slice(1).trim()) : JSON.stringify(await gdb.send(expr));
        response.body = { result: text.trimEnd(), variablesReference: 0 };
      } else {
        response.body = await this.engine.vars.evaluate(gdb, expr, frame?.thread, frame?.level);
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1007, format: errorText(e), showUser: false });
    }
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    await this.answer(response, 1008, async () => {
      const ref = this.engine.vars.get(args.variablesReference);
      if (!ref) throw new Error('that variable is gone: the kernel has run since');
      if (ref.kind === 'registers') return { value: await this.engine.registers.assign(ref.thread, ref.frame, args.name, args.value) };
      return this.engine.vars.assign(this.engine.gdb, ref, args.name, args.value);
    }, true);
  }

  protected override async setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): Promise<void> {
    const f = args.frameId !== undefined ? this.engine.stack.frame(args.frameId) : undefined;
    await this.answer(response, 1008, async () => {
      const v = await this.engine.vars.setExpression(this.engine.gdb, args.expression, args.value, f?.thread, f?.level);
      return { value: v.result, type: v.type, variablesReference: v.variablesReference };
    }, true);
  }

  protected override async readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): Promise<void> {
    await this.answer(response, 1009, async () => {
      const m = await readMemory(this.engine.gdb, args.memoryReference, args.offset ?? 0, args.count);
      return { address: m.address, data: m.data.toString('base64'), unreadableBytes: m.unreadableBytes };
    });
  }

  protected override async writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): Promise<void> {
    const data = Buffer.from(args.data, 'base64');
    const ok = await this.answer(response, 1010, async () => {
      await writeMemory(this.engine.gdb, args.memoryReference, args.offset ?? 0, data);
      return { bytesWritten: data.length };
    }, true);
    if (ok) this.sendEvent(new MemoryEvent(args.memoryReference, args.offset ?? 0, data.length));
  }

  protected override async disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): Promise<void> {
    await this.answer(response, 1011, async () => ({ instructions: await disassemble(this.engine.gdb, args.memoryReference, args.offset ?? 0, args.instructionOffset ?? 0, args.instructionCount) }));
  }

  /** The library has no handler for DAP `modules`: it arrives as a custom request, as does Ring0's run-state query. */
  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    if (command === 'modules') {
      (response as DebugProtocol.ModulesResponse).body = { modules: this.engine.modules.list() };
      this.sendResponse(response);
    } else if (command === RUN_STATE_REQUEST) {
      await this.answer(response, 1013, () => this.engine.snapshot());
    } else {
      super.customRequest(command, response, args);
    }
  }

  // ---- ending ------------------------------------------------------------------------------------

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    const target = this.engine.target;
    if (args?.terminateDebuggee === false && target) target.booted = false;
    await this.engine.teardown(true);
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.engine.teardown(true);
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** Sets the body FN returns, then responds (or sends FN's error as error ID); true when it succeeded. */
  private async answer<B>(response: DebugProtocol.Response, id: number, fn: () => Promise<B>, showUser = false): Promise<boolean> {
    try {
      const body = await fn();
      if (body !== undefined) response.body = body;
      this.sendResponse(response);
      return true;
    } catch (e) {
      this.sendErrorResponse(response, { id, format: errorText(e), showUser });
      return false;
    }
  }
}

