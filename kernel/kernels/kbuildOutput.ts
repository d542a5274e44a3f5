// Kbuild's quiet output (`  CC      fs/open.o`) → progress steps with the current file. Pure.

export interface KbuildStep {
  /** CC, LD, AR, BTF, GEN, ... */
  action: string;
  target: string;
}

const STEP = /^\s{2}([A-Z][A-Z0-9_]*(?: \[M\])?)\s+(\S.*)$/;

export function parseKbuildStep(line: string): KbuildStep | undefined {
  const m = STEP.exec(line.replace(/\r$/, ''));
  if (!m) return undefined;
  return { action: m[1], target: m[2].trim() };
}

/** Counts compile steps (the bulk of a build) to estimate the fraction done against a previous build's count. */
export function isCompileStep(s: KbuildStep): boolean {
  return s.action === 'CC' || s.action === 'CC [M]' || s.action === 'AS' || s.action === 'AS [M]';
}

export function progressLabel(s: KbuildStep, steps: number): string {
  return `${s.action.padEnd(6)} ${s.target}  (${steps} steps)`;
}

/** Splits a chunked stream into whole lines, keeping the tail for the next chunk. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let rest = '';
  return (chunk) => {
    rest += chunk;
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l);
  };
}
