// Hints for which struct a BPF record is (pure): the struct names the kernel's own BTF defines (a CO-RE
// program's BTF carries hundreds of them), and the struct a bpf_ringbuf_reserve/output (or
// bpf_perf_event_output) call site's pointer points to, read from the source lines BTF line info keeps.
import { BTF_KIND, type Btf } from '../elf/btf';

export interface CallSiteHint {
  struct: string;
  /** The map the call names (`&events`), when it does. */
  map?: string;
  /** The source line, trimmed. */
  line: string;
}

/** Names of the structs and unions a BTF defines (for the kernel's /sys/kernel/btf/vmlinux). */
export function structNames(btf: Btf): Set<string> {
  const out = new Set<string>();
  for (const t of btf.types) if ((t.kind === BTF_KIND.STRUCT || t.kind === BTF_KIND.UNION) && t.name) out.add(t.name);
  return out;
}

const CALL = /\b(bpf_ringbuf_reserve|bpf_ringbuf_output|bpf_perf_event_output)\s*\(([^;]*)/;
const SIZEOF = /sizeof\s*\(\s*(?:struct\s+(\w+)|\*?\s*(\w+))\s*\)/;

/** The struct each ring-buffer call site in the BTF's source lines uses, with the map it names. */
export function callSiteHints(btf: Btf): CallSiteHint[] {
  const lines = btf.strings.toString('utf8').split('\0');
  const declared = (v: string): string | undefined => {
    if (!v) return undefined;
    const re = new RegExp(`\\bstruct\\s+(\\w+)\\s*\\*?\\s*\\b${v}\\b\\s*[=;,[)]`);
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return m[1];
    }
    return undefined;
  };
  const out: CallSiteHint[] = [];
  for (const raw of lines) {
    const m = CALL.exec(raw);
    if (!m) continue;
    const line = raw.trim();
    const args = m[2];
    const map = /&\s*(\w+)/.exec(args)?.[1];
    // `struct event *e = bpf_ringbuf_reserve(...)`: the pointer's type says it.
    const assigned = /\bstruct\s+(\w+)\s*\*\s*\w+\s*=\s*$/.exec(raw.slice(0, m.index))?.[1];
    const sz = SIZEOF.exec(args);
    const struct = assigned ?? sz?.[1] ?? (sz?.[2] ? declared(sz[2]) : undefined)
      ?? (m[1] === 'bpf_ringbuf_reserve' ? declared(/(\w+)\s*=\s*$/.exec(raw.slice(0, m.index))?.[1] ?? '') : undefined);
    if (struct) out.push({ struct, ...(map ? { map } : {}), line });
  }
  return out;
}
