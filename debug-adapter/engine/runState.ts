// The debug engine's one run state (pure): where gdb is, what the client was told, and the legal moves between.

/**
 * - `starting`: gdb is attached and the kernel stopped; the client has not finished configuring.
 * - `running`: the kernel runs and the client knows it.
 * - `stopped`: a stop the user asked for (breakpoint, step, pause, entry, oops); the client was told.
 * - `internal`: Ring0 stopped the kernel for its own work (breakpoints, module symbols, hit counts);
 *   the client still sees it running and is never told.
 * - `ending` / `ended`: tearing down; nothing is reported any more.
 */
export type RunPhase = 'starting' | 'running' | 'stopped' | 'internal' | 'ending' | 'ended';

export type RunEvent =
  /** configurationDone without stopAtEntry: the kernel starts running. */
  | 'configured'
  /** configurationDone with stopAtEntry: the attach stop becomes the user's. */
  | 'entry'
  /** The user's continue or step. */
  | 'resume'
  /** Ring0 stops (or finds stopped) the kernel for its own work. */
  | 'internal-stop'
  /** Ring0's work is done: the kernel runs on, as the client believes. */
  | 'internal-resume'
  /** A stop the user asked for, reported with a `stopped` event. */
  | 'user-stop'
  /** The user's continue or step was refused by gdb: the kernel is still stopped where the client saw it. */
  | 'resume-failed'
  /** gdb resumed without the client asking (e.g. `> continue` in the REPL): announced with `continued`. */
  | 'unasked-resume'
  | 'end'
  | 'ended';

const MOVES: Record<RunPhase, Partial<Record<RunEvent, RunPhase>>> = {
  starting: { configured: 'running', entry: 'stopped', end: 'ending' },
  running: { 'internal-stop': 'internal', 'user-stop': 'stopped', 'resume-failed': 'stopped', end: 'ending' },
  internal: { 'internal-resume': 'running', 'user-stop': 'stopped', end: 'ending' },
  stopped: { resume: 'running', 'unasked-resume': 'running', end: 'ending' },
  ending: { ended: 'ended', end: 'ending' },
  ended: { end: 'ended' },
};

export class IllegalRunMove extends Error {
  constructor(readonly from: RunPhase, readonly event: RunEvent) {
    super(`debug engine: '${event}' is not legal while ${from}`);
  }
}

/** The phase after EVENT, or an IllegalRunMove. */
export function nextPhase(from: RunPhase, event: RunEvent): RunPhase {
  const to = MOVES[from][event];
  if (!to) throw new IllegalRunMove(from, event);
  return to;
}

export const canMove = (from: RunPhase, event: RunEvent): boolean => MOVES[from][event] !== undefined;

/** Whether gdb's target is executing in this phase. */
export const gdbRuns = (p: RunPhase): boolean => p === 'running';

/** What the client was told: it sees `internal` as running, and nothing before configuration or after the end. */
export function clientView(p: RunPhase): 'running' | 'stopped' | 'none' {
  if (p === 'running' || p === 'internal') return 'running';
  if (p === 'stopped') return 'stopped';
  return 'none';
}

/** A holder of the phase that refuses illegal moves and tells a listener of each change. */
export class RunState {
  private current: RunPhase = 'starting';

  constructor(private readonly onChange: (from: RunPhase, to: RunPhase, event: RunEvent) => void = () => undefined) {}

  get phase(): RunPhase {
    return this.current;
  }

  is(...phases: RunPhase[]): boolean {
    return phases.includes(this.current);
  }

  move(event: RunEvent): RunPhase {
    const from = this.current;
    this.current = nextPhase(from, event);
    if (from !== this.current) this.onChange(from, this.current, event);
    return this.current;
  }
}
