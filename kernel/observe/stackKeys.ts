// Stacks as bpftrace map keys (kstack, ustack, alone or with more keys): bpftrace prints one frame a line,
// "function+offset" (or a hex address), the innermost first; these are read back into frames (pure).

export interface StackKey {
  /** Innermost first, as bpftrace prints them: "vfs_read+1", "0x7f12ab" or "[unknown]". */
  frames: string[];
  /** The other keys after the stack ("sleep" for @[kstack, comm]); '' when the stack is the only key. */
  rest: string;
}

const FRAME = /^(?:[\w.$@:~<>]+(?:\+\d+)?(?: \([^)]*\))?|0x[0-9a-f]+|\[unknown\])$/;

/** The stack in a map key, or null when the key is not a stack (a comm, a number, "ls,2323"). */
export function stackKey(key: string): StackKey | null {
  if (!key.includes('\n')) return null;
  const lines = key.split('\n');
  const frames: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '') continue;
    if (!FRAME.test(t)) break;
    frames.push(t);
  }
  if (!frames.length) return null;
  const rest = lines.slice(i).join('\n').trim().replace(/^,\s*/, '');
  return { frames, rest };
}

/** A label for charts and tables: "leaf ← caller ← …" (and the other keys), within `max` characters. */
export function stackLabel(s: StackKey, max = 200): string {
  const tail = s.rest ? ` · ${s.rest}` : '';
  let label = '';
  for (const f of s.frames) {
    const next = label ? `${label} ← ${f}` : f;
    if (next.length + tail.length > max - 4) return `${label} ← …${tail}`;
    label = next;
  }
  return label + tail;
}

/** A function name from a frame ("vfs_read+1" → "vfs_read"; an address stays as it is). */
export const frameFunction = (frame: string): string => frame.replace(/\+\d+(?: \([^)]*\))?$/, '');

/**
 * Folded stacks for a flame graph ("root;…;leaf" → count), summing keys that differ only in offsets or
 * in the keys after the stack; keys that are not stacks are left out.
 */
export function foldStacks(entries: Array<{ key: string; value: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    const s = stackKey(e.key);
    if (!s || !Number.isFinite(e.value)) continue;
    const folded = s.frames.map(frameFunction).reverse().join(';');
    out.set(folded, (out.get(folded) ?? 0) + e.value);
  }
  return out;
}
