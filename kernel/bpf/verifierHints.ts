// Plain-language explanations of the common verifier rejections, matched on the verifier's message.
import type { ParsedVerifierLog } from './verifierParse';

export type RejectionKind =
  | 'missing-null-check'
  | 'invalid-mem-access'
  | 'unbounded-loop'
  | 'ctx-pointer-arithmetic'
  | 'stack-out-of-bounds'
  | 'gpl-only-helper'
  | 'program-too-large'
  | 'uninitialized-register'
  | 'helper-not-allowed'
  | 'map-value-bounds'
  | 'packet-bounds';

export interface Explanation {
  kind: RejectionKind;
  title: string;
  text: string;
  /** What to change, in one sentence. */
  fix: string;
}

interface Rule {
  kind: RejectionKind;
  re: RegExp;
  title: string;
  explain: (m: RegExpExecArray, log: ParsedVerifierLog) => { text: string; fix: string };
}

/** The instruction on the failing path where a maybe-NULL pointer was made (the map lookup's call). */
export function nullSourceInsn(log: ParsedVerifierLog): number | undefined {
  for (let i = log.failurePath.length - 1; i >= 0; i--) {
    const ins = log.insns.find((x) => x.idx === log.failurePath[i]);
    if (ins && /^call /.test(ins.text) && ins.after?.some((r) => /_or_null\b/.test(r.value))) return ins.idx;
  }
  return undefined;
}

const RULES: Rule[] = [
  {
    kind: 'missing-null-check',
    re: /(R\d+) invalid mem access '(\w+_or_null)'/,
    title: 'Missing NULL check',
    explain: (m) => ({
      text: `${m[1]} holds a pointer that may be NULL (${m[2]}): bpf_map_lookup_elem and similar helpers return NULL when there is no entry, and the program uses the pointer without checking it.`,
      fix: 'Test the pointer before using it, e.g. `if (!v) return 0;` right after the lookup.',
    }),
  },
  {
    kind: 'unbounded-loop',
    re: /infinite loop detected at insn (\d+)|back-edge from insn (\d+) to (\d+)|The sequence of (\d+) jumps is too complicated/,
    title: 'Loop the verifier cannot bound',
    explain: (m) => ({
      text: m[1] !== undefined
        ? `The verifier came back to instruction ${m[1]} in exactly the same state: nothing it can track changes between iterations, so it cannot prove the loop ends.`
        : m[2] !== undefined
          ? `The program jumps back (instruction ${m[2]} to ${m[3]}): this kernel refuses loops.`
          : `The verifier followed ${m[4]} jumps along one path and gave up: the loop (or chain of branches) has no bound it can see.`,
      fix: 'Give the loop a constant upper bound on a counter (for (i = 0; i < N && cond; i++)), or use bpf_loop() (5.17+).',
    }),
  },
  {
    kind: 'ctx-pointer-arithmetic',
    re: /(dereference of modified ctx ptr \S+ off=-?\d+ disallowed|variable ctx access var_off=\S+ \S+ disallowed|pointer arithmetic on ctx prohibited|invalid bpf_context access [^\n]*)/,
    title: 'Pointer arithmetic on the context',
    explain: (m) => ({
      text: `The program moved the context pointer and then used it (${m[1]}). The verifier only allows the context's fields at fixed offsets from the pointer it was given.`,
      fix: 'Read fields directly from the original ctx argument (ctx->field, or BPF_CORE_READ for tracing programs); copy what you need before doing arithmetic.',
    }),
  },
  {
    kind: 'stack-out-of-bounds',
    re: /(invalid (?:unbounded )?(?:variable-offset )?(?:indirect )?(?:write to|read from|access to) stack [^\n]*|invalid stack off=-?\d+ size=\d+|combined stack size of \d+ calls is \d+\. Too large|stack depth \d+ exceeds)/,
    title: 'Stack access out of bounds',
    explain: (m) => ({
      text: `The access (${m[1]}) may fall outside the 512-byte BPF stack or outside the buffer: the verifier must be able to prove every stack offset is in bounds.`,
      fix: 'Bound the index against the buffer size (if (i >= sizeof(buf)) return 0; or i &= sizeof(buf) - 1 for power-of-two sizes), and keep stack buffers small (use a per-CPU array map for big ones).',
    }),
  },
  {
    kind: 'gpl-only-helper',
    re: /cannot call GPL-restricted function from non-GPL compatible program|GPL-incompatible|non-GPL/,
    title: 'GPL-only helper from a non-GPL program',
    explain: () => ({
      text: 'The program calls a helper the kernel exports only to GPL-compatible programs (bpf_trace_printk/bpf_printk, bpf_probe_read*, perf-event output, …), but the object\'s license section is not GPL-compatible.',
      fix: 'Declare a GPL-compatible license: char LICENSE[] SEC("license") = "GPL"; (or "Dual MIT/GPL"), or stop calling the helper.',
    }),
  },
  {
    kind: 'program-too-large',
    re: /BPF program is too large\. Processed (\d+) insn|program too large|too many instructions/,
    title: 'Program too large to verify',
    explain: (m) => ({
      text: `The verifier walks every path through the program; it stopped after ${m[1] ?? 'its limit of'} instructions (the limit is 1,000,000 processed, counting every loop iteration and branch).`,
      fix: 'Lower loop bounds, split the work with tail calls or bpf_loop(), or move branches out of loops so fewer states are explored.',
    }),
  },
  {
    kind: 'uninitialized-register',
    re: /(R\d+) !read_ok|invalid read from stack off (-?\d+)/,
    title: 'Use of an uninitialized value',
    explain: (m) => ({ text: `${m[1] ? `${m[1]} is read before anything was written to it` : `stack slot ${m[2]} is read before it was written`}.`, fix: 'Initialize the variable (e.g. = {} for structs) before passing or reading it.' }),
  },
  {
    kind: 'helper-not-allowed',
    re: /unknown func (\S+)|program of this type cannot use helper (\S+)/,
    title: 'Helper not available here',
    explain: (m) => ({ text: `${m[1] ?? m[2]} is not available to this program type on this kernel.`, fix: 'Use a helper allowed for this program type, or another section type (e.g. fentry/ or tp_btf/).' }),
  },
  {
    kind: 'map-value-bounds',
    re: /invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)|(R\d+) min value is outside of the allowed memory range/,
    title: 'Map value access out of bounds',
    explain: () => ({ text: 'The access may go past the end of the map value (or before its start).', fix: 'Check the offset against the value size before the access.' }),
  },
  {
    kind: 'packet-bounds',
    re: /invalid access to packet, off=(-?\d+) size=(\d+)/,
    title: 'Packet access without a bounds check',
    explain: () => ({ text: 'The program reads packet data without first proving it lies before data_end.', fix: 'Compare the pointer plus the size against data_end before reading: if ((void *)(eth + 1) > data_end) return XDP_PASS;' }),
  },
  {
    kind: 'invalid-mem-access',
    re: /(R\d+) invalid mem access '(\w+)'/,
    title: 'Invalid memory access',
    explain: (m) => ({ text: `${m[1]} is a ${m[2]}, which the program may not dereference here.`, fix: 'Read kernel memory through bpf_probe_read_kernel / BPF_CORE_READ, or use a pointer type the verifier can track.' }),
  },
];

/** The explanation for the log's failure, or undefined for a message Ring0 does not know. */
export function explainRejection(log: ParsedVerifierLog, message = log.failure?.message ?? ''): Explanation | undefined {
  for (const r of RULES) {
    const m = r.re.exec(message);
    if (m) return { kind: r.kind, title: r.title, ...r.explain(m, log) };
  }
  return undefined;
}
