// The frame an oops happened in. gdb cannot unwind through the exception entry (asm_exc_*), so the
// faulting location is read from the `struct pt_regs *regs` argument of the oops machinery's frames.

/** Functions of the oops path whose `regs` argument is the faulting context. */
export const REGS_HOLDERS = /^(page_fault_oops|__die|die|die_body|do_trap|do_error_trap|handle_page_fault|do_user_addr_fault|kernelmode_fixup_or_oops|__bad_area_nosemaphore|bad_area_nosemaphore|exc_\w+|do_int3_user|handle_bug)$/;

export interface SourceLine {
  func?: string;
  file?: string;
  line?: number;
}

/**
 * Parses gdb's `info line *ADDR`: 'Line 23 of "/w/oops_lab.c" starts at address 0x… <oops_lab_read+80> and
 * ends at 0x….' or 'No line number information available for address 0x… <sym+16>'.
 */
export function parseInfoLine(text: string): SourceLine | undefined {
  const withLine = /Line (\d+) of "([^"]+)"(?:.*?<([^+>]+)(?:\+\d+)?>)?/s.exec(text);
  if (withLine) return { line: Number(withLine[1]), file: withLine[2], ...(withLine[3] ? { func: withLine[3] } : {}) };
  const symOnly = /address 0x[0-9a-f]+ <([^+>]+)(?:\+\d+)?>/.exec(text);
  return symOnly ? { func: symOnly[1] } : undefined;
}
