// Recognizes oopses and panics in the serial log and parses their call trace (pure).
export interface OopsFrame {
  function: string;
  offset: number;
  size?: number;
  module?: string;
  /** `?` frames are unreliable guesses from the stack scan. */
  reliable: boolean;
  /** Filled by the decoder when symbols are available. */
  file?: string;
  line?: number;
}

export interface OopsReport {
  /** First line that says what happened, e.g. "BUG: kernel NULL pointer dereference, address: 0000000000000000". */
  summary: string;
  kind: 'oops' | 'panic' | 'bug';
  /** The faulting function (from RIP), when present. */
  rip?: OopsFrame;
  frames: OopsFrame[];
  /** The raw lines of the report. */
  text: string[];
  /** Set when a "Kernel panic - not syncing" line follows. */
  panicked: boolean;
}

const START = [
  /\bBUG: .*/,
  /\bOops: .*/,
  /\bgeneral protection fault.*/,
  /\bKernel panic - not syncing: .*/,
  /\bkernel BUG at .*/,
  /\bUnable to handle kernel .*/,
];

const FRAME = /^\s*(\?\s+)?([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)(?:\/0x([0-9a-f]+))?(?:\s+\[([A-Za-z0-9_-]+)\])?\s*$/;
const RIP = /RIP: [0-9a-f]{4}:([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)\/0x([0-9a-f]+)(?:\s+\[([A-Za-z0-9_-]+)\])?/;

/** Strips the `[   12.345678] ` timestamp printk puts in front of console lines. */
export function stripTimestamp(line: string): string {
  return line.replace(/^\s*\[\s*\d+\.\d+\]\s?/, '').replace(/\r$/, '');
}

export function parseFrame(line: string): OopsFrame | undefined {
  const m = FRAME.exec(stripTimestamp(line));
  if (!m) return undefined;
  return {
    function: m[2],
    offset: parseInt(m[3], 16),
    ...(m[4] ? { size: parseInt(m[4], 16) } : {}),
    ...(m[5] ? { module: m[5] } : {}),
    reliable: !m[1],
  };
}

/**
 * Where the first oops/panic report in `log` ends: just after its "---[ end ..." line, or the end of
 * the text when that line has not arrived. 0 when there is no report.
 */
export function oopsEnd(log: string): number {
  let start = -1;
  for (const re of START) {
    const m = re.exec(log);
    if (m && (start < 0 || m.index < start)) start = m.index;
  }
  if (start < 0) return 0;
  const end = /---\[ end (trace|Kernel panic)[^\n]*\n?/g;
  end.lastIndex = start;
  const m = end.exec(log);
  return m ? m.index + m[0].length : log.length;
}

/**
 * Finds the first oops/panic in `log` and parses it. Returns undefined when the log has none.
 * A report ends at "---[ end trace" / "---[ end Kernel panic" or at the end of the text.
 */
export function parseOops(log: string): OopsReport | undefined {
  const lines = log.split('\n').map(stripTimestamp);
  const start = lines.findIndex((l) => START.some((re) => re.test(l)));
  if (start < 0) return undefined;
  const summaryMatch = START.map((re) => re.exec(lines[start])).find(Boolean);
  const summary = (summaryMatch?.[0] ?? lines[start]).trim();
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (/---\[ end (trace|Kernel panic)/.test(lines[i])) {
      end = i + 1;
      break;
    }
  }
  const text = lines.slice(start, end);
  let rip: OopsFrame | undefined;
  const frames: OopsFrame[] = [];
  let inTrace = false;
  for (const l of text) {
    const r = RIP.exec(l);
    if (r && !rip) rip = { function: r[1], offset: parseInt(r[2], 16), size: parseInt(r[3], 16), ...(r[4] ? { module: r[4] } : {}), reliable: true };
    if (/Call Trace:/.test(l)) {
      inTrace = true;
      continue;
    }
    if (!inTrace) continue;
    if (/^\s*<\/?(TASK|IRQ|NMI|SOFTIRQ)>/.test(l)) continue;
    const f = parseFrame(l);
    if (f) frames.push(f);
    else if (/^\s*(RIP|Code|RSP|RAX|Modules linked in|---\[|Kernel panic)/.test(l)) inTrace = false;
  }
  const panicked = lines.slice(start).some((l) => /Kernel panic - not syncing/.test(l));
  const kind = /Kernel panic/.test(summary) ? 'panic' : /^BUG|kernel BUG/.test(summary) ? 'bug' : 'oops';
  return { summary, kind, ...(rip ? { rip } : {}), frames, text, panicked };
}
