// Kconfig's .config format: parse `CONFIG_X=v` / `# CONFIG_X is not set` into values, merge fragments
// over a config (later wins, like merge_config.sh), and compare what was asked with what Kconfig kept.

/** Symbol (without CONFIG_) → value as written: y, m, n, a number, or a quoted string. */
export type ConfigValues = Map<string, string>;

const SET = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/;
const UNSET = /^# CONFIG_([A-Za-z0-9_]+) is not set\s*$/;

export function parseConfig(text: string): ConfigValues {
  const values: ConfigValues = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m = SET.exec(line);
    if (m) {
      values.set(m[1], m[2]);
      continue;
    }
    m = UNSET.exec(line);
    if (m) values.set(m[1], 'n');
  }
  return values;
}

/** Problems in a user's fragment: lines that are neither an assignment, a "not set" line, a comment nor blank. */
export function fragmentErrors(text: string): { line: number; text: string }[] {
  const bad: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || SET.test(line) || UNSET.test(line)) return;
    if (line.startsWith('#')) return;
    bad.push({ line: i + 1, text: raw });
  });
  return bad;
}

function lineFor(sym: string, value: string): string {
  return value === 'n' ? `# CONFIG_${sym} is not set` : `CONFIG_${sym}=${value}`;
}

/**
 * The config text with every fragment value appended, its earlier lines removed (what merge_config.sh
 * does: a choice member set last wins); olddefconfig settles the rest.
 */
export function mergeConfig(base: string, fragments: readonly string[]): string {
  const wanted = new Map<string, string>();
  for (const f of fragments) {
    for (const [k, v] of parseConfig(f)) {
      wanted.delete(k);
      wanted.set(k, v);
    }
  }
  const lines = base.split('\n').filter((raw) => {
    const m = SET.exec(raw.trim()) ?? UNSET.exec(raw.trim());
    return !m || !wanted.has(m[1]);
  });
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (const [k, v] of wanted) lines.push(lineFor(k, v));
  return lines.join('\n') + '\n';
}

/** The value Kconfig ended with for SYM: absent means n (not visible in this configuration). */
export function valueOf(values: ConfigValues, sym: string): string {
  return values.get(sym) ?? 'n';
}

export interface Requested {
  option: string;
  wanted: string;
  /** Which fragment asked for it: ring0, profile:NAME, or the user's file. */
  from: string;
}

export function requestedOptions(fragments: readonly { from: string; text: string }[]): Requested[] {
  const byOption = new Map<string, Requested>();
  for (const f of fragments) for (const [option, wanted] of parseConfig(f.text)) byOption.set(option, { option, wanted, from: f.from });
  return [...byOption.values()];
}

/** Requests whose final value differs from the one asked for. */
export function droppedOptions(requested: readonly Requested[], final: ConfigValues): (Requested & { got: string })[] {
  return requested
    .map((r) => ({ ...r, got: valueOf(final, r.option) }))
    .filter((r) => r.got !== r.wanted);
}

export function countBuiltIn(values: ConfigValues): number {
  let n = 0;
  for (const v of values.values()) if (v === 'y') n++;
  return n;
}
