// Compiler, make and modpost output → diagnostics on the user's files (absolute paths, 1-based lines
// and columns). Pure: tested on recorded gcc, clang and modpost output.
import path from 'node:path';

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  message: string;
}

/** The `--json` contract of `ring0 build module|bpf`. */
export interface BuildResult {
  ok: boolean;
  artifacts: string[];
  diagnostics: Diagnostic[];
}

export interface ParseContext {
  /** The user's directory: diagnostics elsewhere are re-attributed to the user file that included them. */
  userDir: string;
  /** Directories relative paths may be relative to, tried in order (Kbuild runs gcc in the kernel tree). */
  searchDirs: string[];
  /** Tells whether a file exists, for resolving relative paths; injectable for tests. */
  exists: (file: string) => boolean;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

const DIAG = /^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note|remark): (.*)$/;
const INCLUDED = /^(?:In file included from|\s+from) (.+?):(\d+)(?::(\d+))?[:,]$/;

function severityOf(s: string): Severity {
  if (s === 'fatal error' || s === 'error') return 'error';
  if (s === 'warning') return 'warning';
  return 'note';
}

export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function resolveFile(p: string, ctx: ParseContext): string {
  if (path.isAbsolute(p)) return path.normalize(p);
  for (const d of [ctx.userDir, ...ctx.searchDirs]) {
    const abs = path.resolve(d, p);
    if (ctx.exists(abs)) return abs;
  }
  return path.resolve(ctx.searchDirs[0] ?? ctx.userDir, p);
}

/** A line or column number from compiler output; one too big for a number (garbage) becomes 1. */
function pos(s: string | undefined): number {
  const n = Number(s ?? 1);
  return Number.isSafeInteger(n) ? n : 1;
}

/** gcc/clang `file:line:col: severity: message` lines, with "In file included from" chains. */
export function parseCompilerOutput(text: string, ctx: ParseContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  let chain: { file: string; line: number; column: number }[] = [];
  let chainOpen = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/\x1b\[[0-9;]*m/g, '');
    const inc = INCLUDED.exec(line);
    if (inc) {
      if (!chainOpen) chain = [];
      chainOpen = true;
      chain.push({ file: resolveFile(inc[1], ctx), line: pos(inc[2]), column: pos(inc[3]) });
      continue;
    }
    const m = DIAG.exec(line);
    if (!m) {
      if (!/^\s/.test(line) && !/: In function|: At top level|: In (member )?function/.test(line)) {
        chainOpen = false;
        chain = [];
      }
      continue;
    }
    chainOpen = false;
    const file = resolveFile(m[1], ctx);
    const severity = severityOf(m[4]);
    const message = m[5].trim();
    if (isInside(ctx.userDir, file)) {
      out.push({ file, line: pos(m[2]), column: pos(m[3]), severity, message });
      continue;
    }
    // In a header outside the user's directory: put it on the user line that included the header.
    const origin = [...chain].reverse().find((c) => isInside(ctx.userDir, c.file)) ?? chain.find((c) => isInside(ctx.userDir, c.file));
    if (origin) out.push({ ...origin, severity, message: `${message} (in ${file}:${m[2]})` });
    else if (severity !== 'note') out.push({ file, line: pos(m[2]), column: pos(m[3]), severity, message });
  }
  return dedupe(out);
}

export function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.file}:${d.line}:${d.column}:${d.severity}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** gcc counts columns in display cells (a tab moves to the next multiple of 8); editors count characters. */
export function displayToCharColumn(lineText: string, displayColumn: number, tabstop = 8): number {
  let cell = 1;
  for (let i = 0; i < lineText.length; i++) {
    const next = lineText[i] === '\t' ? cell + tabstop - ((cell - 1) % tabstop) : cell + 1;
    if (displayColumn < next) return i + 1;
    cell = next;
  }
  return lineText.length + 1;
}

/** Rewrites gcc's display columns to character columns using the sources' text. */
export function toCharColumns(ds: Diagnostic[], read: (file: string) => string | undefined): Diagnostic[] {
  const cache = new Map<string, string[] | undefined>();
  return ds.map((d) => {
    if (!cache.has(d.file)) cache.set(d.file, read(d.file)?.split('\n'));
    const line = cache.get(d.file)?.[d.line - 1];
    return line === undefined || !line.includes('\t') ? d : { ...d, column: displayToCharColumn(line, d.column) };
  });
}

/** A module directory's C sources, for pinning modpost messages to source lines. */
export interface SourceIndex {
  /** Absolute .c/.h paths → their text. */
  files: Map<string, string>;
  makefile: string;
}

function findLine(text: string, re: RegExp): { line: number; column: number } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return undefined;
}

/** The source file an object came from: X.o → X.c when there is one, else the first source. */
function sourceOf(obj: string, src: SourceIndex): string | undefined {
  const c = obj.replace(/\.(o|ko|mod\.o)$/, '.c');
  if (src.files.has(c)) return c;
  return [...src.files.keys()].find((f) => f.endsWith('.c'));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** modpost ERROR/WARNING lines and make's own errors. */
export function parseKbuildOutput(text: string, src: SourceIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m = /^(ERROR|WARNING): modpost: "([^"]+)" \[([^\]]+)\] undefined!$/.exec(line);
    if (m) {
      const sym = m[2];
      const re = new RegExp(`\\b${escapeRe(sym)}\\b`);
      const uses = [...src.files].filter(([f]) => f.endsWith('.c')).map(([f, t]) => ({ f, at: findLine(t.split('\n').map((l) => (/^\s*extern\b/.test(l) ? '' : l)).join('\n'), re) ?? findLine(t, re) })).filter((u) => u.at);
      const where = uses[0] ? { file: uses[0].f, ...uses[0].at! } : { file: sourceOf(m[3], src) ?? src.makefile, line: 1, column: 1 };
      out.push({ ...where, severity: m[1] === 'ERROR' ? 'error' : 'warning', message: `undefined symbol '${sym}': no loaded kernel or module exports it (modpost)` });
      continue;
    }
    m = /^(ERROR|WARNING): modpost: missing (MODULE_\w+)\(\) in (.+)$/.exec(line);
    if (m) {
      const file = sourceOf(m[3], src) ?? src.makefile;
      const at = findLine(src.files.get(file) ?? '', /\bmodule_init\s*\(/) ?? { line: 1, column: 1 };
      out.push({ file, ...at, severity: m[1] === 'ERROR' ? 'error' : 'warning', message: m[2] === 'MODULE_LICENSE' ? 'missing MODULE_LICENSE(): add MODULE_LICENSE("GPL"); without a license the module cannot use GPL-only symbols and taints the kernel' : `missing ${m[2]}()` });
      continue;
    }
    m = /^(ERROR|WARNING): modpost: (.*)$/.exec(line);
    if (m) {
      const obj = /(\/\S+\.(?:o|ko))\b/.exec(m[2]);
      const file = (obj && sourceOf(obj[1], src)) || src.makefile;
      out.push({ file, line: 1, column: 1, severity: m[1] === 'ERROR' ? 'error' : 'warning', message: `modpost: ${m[2]}` });
      continue;
    }
    // Makefile errors: "Makefile:3: *** missing separator.  Stop." (Kbuild includes the user's file by path).
    m = /^(\/\S*(?:Makefile|Kbuild)):(\d+): \*\*\* (.*?)\.?(?:\s+Stop\.)?$/.exec(line);
    if (m) {
      out.push({ file: m[1], line: pos(m[2]), column: 1, severity: 'error', message: m[3] });
      continue;
    }
    m = /^make(?:\[\d+\])?: \*\*\* No rule to make target '([^']+)'(.*)$/.exec(line);
    if (m) {
      out.push({ file: src.makefile, line: 1, column: 1, severity: 'error', message: `no rule to make ${m[1]}: is its source file missing?` });
    }
  }
  return dedupe(out);
}
