// The engine's breakpoints: source, function and instruction breakpoints as gdb holds them, each
// pending (its module not loaded yet) or bound, with hit conditions and logpoint messages.
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import path from 'node:path';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple, type MiTuple } from '../mi/parser';
import { framePath, kernelRelative } from '../session/frames';
import { hitConditionMet, parseHitCondition, parseLogMessage, type HitCondition } from '../session/hitCondition';
import { errorText } from './errors';
import type { HardwareSlots } from './hwSlots';

export interface BreakpointInfo {
  gdbId: number;
  hit?: HitCondition;
  hits: number;
  log?: ReturnType<typeof parseLogMessage>;
  dap: DebugProtocol.Breakpoint;
}

export type BreakpointKind = 'source' | 'function' | 'instruction';

interface Wanted {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

/** What a hit of a user breakpoint means once its hit condition and log message are applied. */
export type HitOutcome = { kind: 'stop'; dapId: number } | { kind: 'skip' } | { kind: 'log'; parts: ReturnType<typeof parseLogMessage> };

export class Breakpoints {
  private readonly bySet = new Map<string, BreakpointInfo[]>();
  private readonly byGdbId = new Map<number, BreakpointInfo>();
  private nextId = 1;

  constructor(
    private readonly gdb: () => GdbProcess,
    private readonly sourceDir: () => string | undefined,
    private readonly hardware: () => boolean,
    private readonly onChanged: (bp: DebugProtocol.Breakpoint) => void,
    private readonly slots?: HardwareSlots,
  ) {}

  /** Replaces the breakpoints of one file (or of all function / instruction breakpoints). Call with the kernel stopped. */
  async replace(kind: BreakpointKind, key: string, wanted: { location: string; bp: Wanted; where: { line?: number; source?: DebugProtocol.Source } }[]): Promise<DebugProtocol.Breakpoint[]> {
    const setKey = `${kind}:${key}`;
    await this.delete(this.bySet.get(setKey) ?? []);
    const infos: BreakpointInfo[] = [];
    for (const w of wanted) infos.push(await this.insert(w.location, w.bp, w.where));
    this.bySet.set(setKey, infos);
    return infos.map((i) => i.dap);
  }

  /** gdb finds kernel files by their path relative to the tree root; module files by their full path. */
  gdbSourcePath(file: string): string {
    const src = this.sourceDir()?.replace(/\/$/, '');
    if (src && file.startsWith(src + '/')) return file.slice(src.length + 1);
    return kernelRelative(file) ?? file;
  }

  /** The hit of gdb breakpoint ID, counted; undefined when it is none of the user's. */
  hit(gdbId: number): HitOutcome | undefined {
    const info = this.byGdbId.get(gdbId);
    if (!info) return undefined;
    info.hits++;
    if (info.hit && !hitConditionMet(info.hit, info.hits)) return { kind: 'skip' };
    if (info.log) return { kind: 'log', parts: info.log };
    return { kind: 'stop', dapId: info.dap.id ?? 0 };
  }

  /** After symbols change, pending breakpoints may have bound: report the new state. */
  async refresh(): Promise<void> {
    const r = await this.gdb().send(mi.breakList());
    for (const b of miList(miTuple(r.BreakpointTable)?.body)) this.modified(miTuple(b));
  }

  /** gdb's `=breakpoint-modified`. */
  modified(b: MiTuple | undefined): void {
    const info = b && this.byGdbId.get(miNumber(b.number) ?? -1);
    if (b && info && this.apply(info, b)) this.onChanged(info.dap);
  }

  private async insert(location: string, bp: Wanted, where: { line?: number; source?: DebugProtocol.Source }): Promise<BreakpointInfo> {
    const id = this.nextId++;
    const refused = (e: unknown): BreakpointInfo => ({ gdbId: -1, hits: 0, dap: { id, verified: false, message: errorText(e), ...where } });
    let hit: HitCondition | undefined;
    try {
      hit = bp.hitCondition ? parseHitCondition(bp.hitCondition) : undefined;
    } catch (e) {
      return refused(e);
    }
    // A hardware breakpoint takes one of the debug registers data breakpoints use too.
    const hardware = this.hardware();
    const full = hardware ? this.slots?.take(`bp:${id}`, 'breakpoint', 1) : undefined;
    if (full) return refused(new Error(full));
    try {
      const r = await this.gdb().send(mi.breakInsert({ location, condition: bp.condition || undefined, hardware }));
      const b = miTuple(r.bkpt) ?? {};
      const info: BreakpointInfo = { gdbId: miNumber(b.number) ?? -1, hit, hits: 0, log: bp.logMessage ? parseLogMessage(bp.logMessage) : undefined, dap: { id, verified: false, ...where } };
      this.apply(info, b);
      this.byGdbId.set(info.gdbId, info);
      return info;
    } catch (e) {
      this.slots?.release(`bp:${id}`);
      return refused(e);
    }
  }

  /** Fills a DAP breakpoint from gdb's view: pending ones are unverified until their module loads. */
  private apply(info: BreakpointInfo, b: MiTuple): boolean {
    const pending = miString(b.pending) !== undefined || miString(b.addr) === '<PENDING>';
    const loc = miTuple(miList(b.locations)[0]) ?? b;
    const line = miNumber(loc.line) ?? miNumber(b.line);
    const file = miString(loc.fullname) ?? miString(b.fullname);
    const before = info.dap.verified;
    info.dap.verified = !pending;
    info.dap.message = pending ? 'pending: binds when the code that holds it is loaded (e.g. when the module is inserted)' : undefined;
    if (!pending && line) info.dap.line = line;
    if (!pending && file && !info.dap.source) info.dap.source = new Source(path.basename(file), framePath({ fullname: file }, this.sourceDir()));
    const addr = miString(loc.addr);
    if (addr?.startsWith('0x')) info.dap.instructionReference = addr;
    return before !== info.dap.verified;
  }

  private async delete(list: BreakpointInfo[]): Promise<void> {
    for (const b of list) this.slots?.release(`bp:${b.dap.id}`);
    const ids = list.map((b) => b.gdbId).filter((id) => id > 0);
    for (const id of ids) this.byGdbId.delete(id);
    if (ids.length) await this.gdb().send(mi.breakDelete(ids)).catch(() => undefined);
  }
}
