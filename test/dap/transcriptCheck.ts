// Pure check of a recorded DAP transcript: every `stopped` answers a user action or a user
// breakpoint, and what the client was told (running/stopped) matches the engine's run state.

export type Entry =
  | { kind: 'request'; command: string; args?: Record<string, unknown> }
  | { kind: 'response'; command: string; success: boolean; body?: Record<string, unknown> }
  | { kind: 'event'; event: string; body?: Record<string, unknown> };

type View = 'none' | 'running' | 'stopped';

const STEPS = new Set(['next', 'stepIn', 'stepOut']);
const BREAKPOINT_SETTERS = new Set(['setBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'setDataBreakpoints']);

/** The violations in ENTRIES, each with its index; empty when the transcript is sound. */
export function checkTranscript(entries: Entry[], runStateCommand = 'ring0/runState'): string[] {
  const bad: string[] = [];
  let view: View = 'none';
  let stopAtEntry = false;
  let ended = false;
  /** User requests since the client last saw a stop. */
  let asked = new Set<string>();
  const userBreakpoints = new Set<number>();
  entries.forEach((e, i) => {
    const at = `#${i}`;
    if (ended) return;
    if (e.kind === 'request') {
      if ((e.command === 'launch' || e.command === 'attach') && e.args?.stopAtEntry) stopAtEntry = true;
      if (e.command === 'pause' || STEPS.has(e.command)) asked.add(e.command);
      return;
    }
    if (e.kind === 'response') {
      if (!e.success) return;
      if (BREAKPOINT_SETTERS.has(e.command)) {
        for (const b of (e.body?.breakpoints as { id?: number }[] | undefined) ?? []) if (b.id !== undefined) userBreakpoints.add(b.id);
      } else if (e.command === 'configurationDone') {
        if (view === 'none' && !stopAtEntry) view = 'running';
      } else if (e.command === 'continue' || STEPS.has(e.command)) {
        view = 'running';
      } else if (e.command === 'disconnect' || e.command === 'terminate') {
        ended = true;
      } else if (e.command === runStateCommand) {
        const s = e.body as { phase?: string; client?: View; gdbRunning?: boolean } | undefined;
        if (!s || s.phase === 'ending' || s.phase === 'ended') return;
        if (s.client !== view) bad.push(`${at}: the client was told the kernel is ${view}, the engine says ${s.client} (${s.phase})`);
        if (view !== 'none' && (view === 'running') !== s.gdbRunning) bad.push(`${at}: the client believes the kernel ${view}, gdb's target is ${s.gdbRunning ? 'running' : 'stopped'}`);
      }
      return;
    }
    if (e.event === 'terminated' || e.event === 'exited') {
      ended = true;
    } else if (e.event === 'continued') {
      if (view !== 'stopped') bad.push(`${at}: 'continued' while the client saw the kernel ${view}`);
      view = 'running';
    } else if (e.event === 'stopped') {
      const reason = String(e.body?.reason);
      const hit = (e.body?.hitBreakpointIds as number[] | undefined) ?? [];
      if (view !== 'running' && !(reason === 'entry' && stopAtEntry && view === 'none')) bad.push(`${at}: 'stopped' (${reason}) while the client saw the kernel ${view}`);
      else if (reason === 'pause' && !asked.has('pause')) bad.push(`${at}: 'stopped' (pause) nobody asked for`);
      else if (reason === 'step' && ![...asked].some((c) => STEPS.has(c))) bad.push(`${at}: 'stopped' (step) with no step asked`);
      else if ((reason === 'breakpoint' || reason === 'data breakpoint') && !(hit.length > 0 && hit.every((id) => userBreakpoints.has(id)))) bad.push(`${at}: 'stopped' (breakpoint) at no breakpoint of the user's (hitBreakpointIds ${JSON.stringify(hit)})`);
      else if (!['pause', 'step', 'breakpoint', 'data breakpoint', 'exception', 'entry'].includes(reason)) bad.push(`${at}: 'stopped' for '${reason}'`);
      view = 'stopped';
      asked = new Set();
    }
  });
  return bad;
}
