// The engine's stack building: gdb frames to DAP frames (bounded depth, source paths in the kernel
// tree), and after an oops the faulting frame read from the pt_regs the oops machinery was handed.
import { Handles, Source, StackFrame } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import path from 'node:path';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miString, miTuple } from '../mi/parser';
import { REGS_HOLDERS, parseInfoLine } from '../session/faultFrame';
import { faultingFrameIndex, framePath, kernelRelative, toGdbFrame, type GdbFrame } from '../session/frames';
import { parseAddress } from '../session/moduleSymbols';

export interface FrameRef {
  thread: number;
  level: number;
  /** The synthetic faulting frame of an oops: its scope is the saved registers. */
  faultRegs?: boolean;
}

export interface StackPage {
  stackFrames: DebugProtocol.StackFrame[];
  totalFrames: number;
}

export class StackBuilder {
  private readonly frames = new Handles<FrameRef>();

  constructor(private readonly gdb: () => GdbProcess, private readonly sourceDir: () => string | undefined) {}

  /** Frame ids are valid for one stop. */
  reset(): void {
    this.frames.reset();
  }

  frame(id: number): FrameRef | undefined {
    return this.frames.get(id);
  }

  /** Frames START.. of THREAD (at most LEVELS, never deeper than MAX); after an oops, the faulting frame first. */
  async page(thread: number, start: number, levels: number, max: number, oops: boolean, watchHit = false): Promise<StackPage> {
    const n = Math.min(levels || max, max - start);
    if (n <= 0) return { stackFrames: [], totalFrames: start };
    const r = await this.gdb().send(mi.stackListFrames(thread, start, start + n - 1));
    const frames = miList(r.stack).map((f) => toGdbFrame(miTuple(f) ?? {}));
    const fault = oops ? faultingFrameIndex(frames) : 0;
    const stackFrames = frames.map((f, i) => this.toStackFrame(thread, f, oops && i < fault));
    const synthetic = oops && start === 0 ? await this.faultFrame(thread, frames) : undefined;
    if (synthetic) {
      // Where gdb's unwind stops (?? after the exception entry), show the faulting location instead.
      const at = fault < frames.length && !frames[fault].func ? fault : Math.min(fault, frames.length);
      let end = at;
      while (end < frames.length && !frames[end].func) end++;
      stackFrames.splice(at, end - at, synthetic);
    }
    if (watchHit && start === 0 && frames[0]?.addr && stackFrames[0]) await this.writingLine(stackFrames[0], frames[0].addr);
    // Only claim more frames when gdb returned a full page (bounded by max).
    return { stackFrames, totalFrames: frames.length === n && start + n < max ? start + n + 1 : start + frames.length };
  }

  /**
   * A data breakpoint traps after the instruction that wrote: the pc may already be on the next
   * line. The byte before the pc belongs to the writing instruction, so its line is the one shown.
   */
  private async writingLine(sf: DebugProtocol.StackFrame, addr: string): Promise<void> {
    try {
      const where = parseInfoLine(await this.gdb().console(`info line *(${BigInt(addr)} - 1)`));
      if (where?.line && where.file && sf.source?.path && path.basename(where.file) === path.basename(sf.source.path)) sf.line = where.line;
    } catch {
      // no line information: the pc's own line stays
    }
  }

  /** A frame for the faulting instruction, from the pt_regs the oops machinery was handed. */
  private async faultFrame(thread: number, frames: GdbFrame[]): Promise<DebugProtocol.StackFrame | undefined> {
    for (const f of frames) {
      if (!REGS_HOLDERS.test(f.func ?? '')) continue;
      try {
        const ip = parseAddress(miString((await this.gdb().send(mi.dataEvaluate('regs->ip', thread, f.level))).value) ?? '');
        if (!ip) continue;
        const hex = `0x${ip.toString(16)}`;
        const where = parseInfoLine(await this.gdb().console(`info line *${hex}`)) ?? {};
        const p = where.file ? framePath({ fullname: where.file }, this.sourceDir()) : undefined;
        const id = this.frames.create({ thread, level: f.level, faultRegs: true });
        const sf: DebugProtocol.StackFrame = new StackFrame(id, where.func ?? hex, p ? new Source(path.basename(p), p) : undefined, where.line ?? 0, 1);
        sf.instructionPointerReference = hex;
        return sf;
      } catch {
        // this frame has no readable regs: try the next one
      }
    }
    return undefined;
  }

  private toStackFrame(thread: number, f: GdbFrame, subtle: boolean): DebugProtocol.StackFrame {
    const id = this.frames.create({ thread, level: f.level });
    const name = f.func ?? f.addr ?? '??';
    const p = framePath(f, this.sourceDir());
    const sf: DebugProtocol.StackFrame = new StackFrame(id, name, p ? new Source(path.basename(p), p) : undefined, f.line ?? 0, 1);
    if (p && !this.sourceDir() && kernelRelative(p)) {
      (sf.source as DebugProtocol.Source).origin = "kernel source not installed: run 'ring0 setup --kernel-source'";
    }
    if (f.addr) sf.instructionPointerReference = f.addr;
    if (!p || subtle) sf.presentationHint = 'subtle';
    return sf;
  }
}
