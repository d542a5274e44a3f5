// Counts the CPU's hardware debug registers (x86: DR0-DR3), which hardware breakpoints and data
// breakpoints share: a request past the limit is refused with a message instead of failing at resume.

/** x86 has four address debug registers. */
export const X86_DEBUG_REGISTERS = 4;

/** Debug registers a watched range takes: each covers an aligned 1, 2, 4 or 8 byte region. */
export function debugRegistersFor(address: bigint, size: number): number {
  let a = address;
  let left = BigInt(Math.max(1, Math.floor(size)));
  let n = 0;
  while (left > 0n) {
    let len = 8n;
    while (len > 1n && (a % len !== 0n || len > left)) len /= 2n;
    a += len;
    left -= len;
    n++;
  }
  return n;
}

export type SlotOwner = 'breakpoint' | 'watchpoint';

export class HardwareSlots {
  private readonly taken = new Map<string, { owner: SlotOwner; n: number }>();

  constructor(private readonly limit: () => number) {}

  get max(): number {
    return this.limit();
  }

  used(owner?: SlotOwner): number {
    let n = 0;
    for (const t of this.taken.values()) if (!owner || t.owner === owner) n += t.n;
    return n;
  }

  /** Takes N slots for KEY; undefined when they fit, else the message to show on the refused breakpoint. */
  take(key: string, owner: SlotOwner, n: number): string | undefined {
    const free = this.max - this.used();
    if (n <= free) {
      this.taken.set(key, { owner, n });
      return undefined;
    }
    const bp = this.used('breakpoint');
    const wp = this.used('watchpoint');
    return `no hardware debug register left: this needs ${n}, the CPU has ${this.max} (hardwareBreakpoints.limit) and ${bp} ${bp === 1 ? 'is' : 'are'} used by hardware breakpoints, ${wp} by data breakpoints; remove one first`;
  }

  release(key: string): void {
    this.taken.delete(key);
  }
}
