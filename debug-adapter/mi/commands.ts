// Pure builders for the gdb/MI commands the adapter sends: every user-supplied piece (paths,
// expressions, conditions) goes through miQuote, so nothing a user types can start a new command.

/** Quotes a string as an MI c-string parameter. */
export function miQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** A frame/thread-qualified command prefix part. */
function at(thread?: number, frame?: number): string {
  return `${thread !== undefined ? ` --thread ${thread}` : ''}${frame !== undefined ? ` --frame ${frame}` : ''}`;
}

export interface BreakOptions {
  /** `file:line`, a function name or `*ADDRESS`. */
  location: string;
  condition?: string;
  hardware?: boolean;
  /** Create even if the location does not resolve yet (e.g. a module not loaded). */
  pending?: boolean;
}

export function breakInsert(o: BreakOptions): string {
  let c = '-break-insert';
  if (o.hardware) c += ' -h';
  if (o.pending !== false) c += ' -f';
  if (o.condition) c += ` -c ${miQuote(o.condition)}`;
  return `${c} ${miQuote(o.location)}`;
}

export function sourceLocation(file: string, line: number): string {
  return `${file}:${Math.floor(line)}`;
}

export const breakList = (): string => '-break-list';
export const breakDelete = (ids: number[]): string => `-break-delete ${ids.join(' ')}`;
export const execContinue = (): string => '-exec-continue --all';
export const execInterrupt = (): string => '-exec-interrupt --all';
export const execNext = (thread: number, instruction = false): string => `-exec-next${instruction ? '-instruction' : ''} --thread ${thread}`;
export const execStep = (thread: number, instruction = false): string => `-exec-step${instruction ? '-instruction' : ''} --thread ${thread}`;
export const execFinish = (thread: number): string => `-exec-finish --thread ${thread}`;
export const threadInfo = (): string => '-thread-info';
export const stackListFrames = (thread: number, low: number, high: number): string => `-stack-list-frames --thread ${thread} ${low} ${high}`;
/** Names of a frame's locals and arguments (arguments carry arg="1"); values come from variable objects. */
/**
 * A frame's arguments with scalar values: unlike --no-values this lists `NAME@entry`, the value an
 * argument had at function entry (from the caller's call site), which gdb itself prints at the stop.
 */
export const stackListArguments = (thread: number, frame: number): string => `-stack-list-arguments --thread ${thread} --simple-values ${frame} ${frame}`;
export const stackListVariables = (thread: number, frame: number): string => `-stack-list-variables${at(thread, frame)} --no-values`;

/** A variable object for EXPRESSION in a frame (or `@` floating, re-evaluated in the current frame). */
export function varCreate(expression: string, thread?: number, frame?: number): string {
  return `-var-create${at(thread, frame)} - * ${miQuote(expression)}`;
}
export const varListChildren = (name: string): string => `-var-list-children --simple-values ${miQuote(name)}`;
export const varDelete = (name: string): string => `-var-delete ${miQuote(name)}`;
export const varAssign = (name: string, value: string): string => `-var-assign ${miQuote(name)} ${miQuote(value)}`;
export const dataEvaluate = (expression: string, thread?: number, frame?: number): string => `-data-evaluate-expression${at(thread, frame)} ${miQuote(expression)}`;
export const readMemory = (address: string, count: number): string => `-data-read-memory-bytes ${miQuote(address)} ${Math.floor(count)}`;
export const writeMemory = (address: string, hexBytes: string): string => `-data-write-memory-bytes ${miQuote(address)} ${hexBytes}`;
export const listRegisterNames = (): string => '-data-list-register-names';
export const listRegisterValues = (thread: number, frame: number): string => `-data-list-register-values${at(thread, frame)} --skip-unavailable x`;
/** Disassembles [start, end) with raw opcodes and source lines (mode 5). */
export const disassemble = (start: string, end: string): string => `-data-disassemble -s ${miQuote(start)} -e ${miQuote(end)} -- 5`;
/** A CLI command through MI (for the REPL's raw gdb commands and settings MI has no command for). */
export const consoleCommand = (cli: string): string => `-interpreter-exec console ${miQuote(cli)}`;
/** gdb hands the target's argument to its CLI verbatim (quotes included): `where` is a unix socket path gdb can take as it is (see target/stubAddress.ts) or HOST:PORT. */
export function targetSelectRemote(where: string): string {
  if (!/^\/[\w./+-]+$/.test(where) && !/^[\w.-]+:\d+$/.test(where)) throw new Error(`not a gdb stub address (a unix socket path or HOST:PORT): ${where}`);
  return `-target-select remote ${where}`;
}
export const targetDetach = (): string => '-target-detach';
export const fileSymbolFile = (file: string): string => `-file-exec-and-symbols ${miQuote(file)}`;
export const gdbSet = (what: string): string => `-gdb-set ${what}`;

// CLI commands MI has no equivalent of (sent through consoleCommand by GdbProcess.console).

/** gdb splits these commands' arguments like a shell (libiberty's buildargv): quote a word that needs it. */
function cliWord(s: string): string {
  return /^[\w./+-]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Maps DWARF's source prefix FROM to TO. */
export const substitutePath = (from: string, to: string): string => `set substitute-path ${cliWord(from)} ${cliWord(to)}`;
export const removeSymbolFile = (textAddress: bigint): string => `remove-symbol-file -a 0x${textAddress.toString(16)}`;

export type WatchAccess = 'read' | 'write' | 'readWrite';
/** A watchpoint on EXPRESSION (gdb makes it a hardware one when the target has debug registers). */
export function breakWatch(expression: string, access: WatchAccess = 'write'): string {
  return `-break-watch${access === 'read' ? ' -r' : access === 'readWrite' ? ' -a' : ''} ${miQuote(expression)}`;
}
export const breakCondition = (id: number, condition: string): string => `-break-condition ${id} ${condition}`;
