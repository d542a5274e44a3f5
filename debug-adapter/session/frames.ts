// Pure mapping of gdb/MI frames and stop records to what the DAP session reports.
import { miNumber, miString, type MiTuple } from '../mi/parser';

export interface GdbFrame {
  level: number;
  addr?: string;
  func?: string;
  /** The file name as recorded in DWARF and the path gdb resolved it to. */
  file?: string;
  fullname?: string;
  line?: number;
  from?: string;
}

export function toGdbFrame(t: MiTuple): GdbFrame {
  return {
    level: miNumber(t.level) ?? 0,
    addr: miString(t.addr),
    func: miString(t.func),
    file: miString(t.file),
    fullname: miString(t.fullname),
    line: miNumber(t.line),
    from: miString(t.from),
  };
}

export type StopReason = 'breakpoint' | 'step' | 'pause' | 'exception' | 'entry' | 'signal' | 'exited' | 'unknown';

/** Classifies an `*stopped` record. */
export function stopReason(r: MiTuple): StopReason {
  switch (miString(r.reason)) {
    case 'breakpoint-hit':
    case 'watchpoint-trigger':
    case 'read-watchpoint-trigger':
    case 'access-watchpoint-trigger':
      return 'breakpoint';
    case 'end-stepping-range':
    case 'function-finished':
    case 'location-reached':
      return 'step';
    case 'signal-received':
      return ['SIGINT', 'SIGTRAP', '0'].includes(miString(r['signal-name']) ?? '') ? 'pause' : 'signal';
    case 'exited':
    case 'exited-normally':
    case 'exited-signalled':
      return 'exited';
    case undefined:
      // After an interrupt or a connect gdb may report a bare stop with just a frame.
      return 'pause';
    default:
      return 'unknown';
  }
}

/** QEMU's stub names vCPU N "Thread 1.(N+1)" (some versions add "CPU#N"): shown as "CPU N". */
export function vcpuName(targetId: string | undefined, id: number, details?: string): string {
  const cpu = /CPU#(\d+)/.exec(`${targetId ?? ''} ${details ?? ''}`);
  if (cpu) return `CPU ${cpu[1]}`;
  const thread = /^Thread \d+\.(\d+)/.exec(targetId ?? '');
  return thread ? `CPU ${Number(thread[1]) - 1}` : targetId || `Thread ${id}`;
}

/**
 * The source path to show for a frame: under a kernel source tree the DWARF name is rebased onto
 * it (Debian builds record debian/build/... or /build/reproducible-path/linux-X/ prefixes).
 */
export function framePath(f: Pick<GdbFrame, 'file' | 'fullname'>, sourceDir?: string): string | undefined {
  const full = f.fullname ?? f.file;
  if (!full) return undefined;
  if (sourceDir) {
    const rel = kernelRelative(full) ?? (f.file && !f.file.startsWith('/') ? f.file : undefined);
    if (rel) return `${sourceDir.replace(/\/$/, '')}/${rel}`;
  }
  return full;
}

/** The path of a kernel source file relative to the tree root, from a Debian build path. */
export function kernelRelative(p: string): string | undefined {
  const m = /(?:^|\/)(?:debian\/build\/build_[^/]+|build\/reproducible-path\/linux-[^/]+|usr\/src\/linux-[^/]+)\/(.+)$/.exec(p);
  return m?.[1];
}

/** Frames above the faulting frame of an oops/panic stop: the kernel's own reporting machinery. */
const OOPS_MACHINERY = /^(panic|oops_begin|oops_end|die|__die|die_body|do_trap|do_error_trap|page_fault_oops|kernelmode_fixup_or_oops|__bad_area_nosemaphore|bad_area_nosemaphore|do_user_addr_fault|handle_page_fault|exc_\w+|asm_exc_\w+|__warn|report_bug|handle_bug|do_exit|make_task_dead|rewind_stack_and_make_dead|dump_stack\w*|show_\w+|__show_regs|lockdep\w*)$/;

/** Index of the frame where the fault happened: the first frame below the oops machinery. */
export function faultingFrameIndex(frames: Pick<GdbFrame, 'func'>[]): number {
  let last = -1;
  for (let i = 0; i < frames.length; i++) {
    if (OOPS_MACHINERY.test(frames[i].func ?? '')) last = i;
    else if (last >= 0) return i;
  }
  return 0;
}
