// The debug engine's public shapes: its options, the stops and events it reports, its run snapshot.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { VmSettings } from '../../kernel/vm/settings';
import type { ModuleChange } from './modules';
import type { RunPhase, clientView } from './runState';

export interface EngineOptions {
  workspace: string;
  request: 'launch' | 'attach';
  cliPath: string;
  vmlinux?: string;
  sourceDir?: string;
  /** VM settings resolved by the client (the extension's); `ring0 dap` leaves it to settings.json. */
  vmSettings?: VmSettings;
  gdbPath?: string;
  stopAtEntry?: boolean;
  /** Source breakpoints as hardware breakpoints. */
  hardwareBreakpoints?: boolean;
  /** Debug registers the CPU has for hardware breakpoints and data breakpoints (x86: 4). */
  hardwareLimit?: number;
  stopOnPanic?: boolean;
  onProgress: (message: string) => void;
}

/** A stop the client is told about. */
export interface StopReport {
  reason: 'breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'exception' | 'entry';
  thread: number;
  text?: string;
  /** The DAP ids of the user's breakpoints that caused it. */
  hitBreakpointIds?: number[];
}

/** What a stop means: the user's stop, Ring0's own (undefined), or the VM's end. */
export type Decision = StopReport | undefined | 'exited';

export type OutputCategory = 'console' | 'stdout' | 'stderr' | 'important';

export interface EngineEvents {
  stopped: [StopReport];
  continued: [thread: number];
  output: [text: string, category: OutputCategory];
  module: [ModuleChange];
  breakpoint: [DebugProtocol.Breakpoint];
  terminated: [];
}

export interface RunSnapshot {
  phase: RunPhase;
  client: ReturnType<typeof clientView>;
  /** From gdb's own `*running` / `*stopped` records, not from the phase. */
  gdbRunning: boolean;
}

