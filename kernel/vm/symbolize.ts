// Decodes oops frames to file:line with gdb: the DWARF vmlinux for kernel frames, a module's .ko for
// module frames. Frames it cannot resolve keep function+offset.
import path from 'node:path';
import { run } from '../util/run';
import type { OopsFrame, OopsReport } from './oops';

export interface SymbolSources {
  vmlinux?: string;
  /** Module name (as in `[name]`) → path of its .ko with debug info. */
  modules?: Map<string, string>;
  /** Maps a DWARF file name to a path on this machine (e.g. into linux-source). */
  mapSource?: (file: string) => string | undefined;
}

const INFO_LINE = /Line (\d+) of "([^"]+)"/;

/** Resolves many frames of one object in a single gdb run; returns one result per frame (or undefined). */
export async function resolveInObject(object: string, frames: OopsFrame[]): Promise<({ file: string; line: number } | undefined)[]> {
  if (frames.length === 0) return [];
  const args = ['-batch', '-nx', '-q'];
  for (const f of frames) {
    args.push('-ex', `echo @@frame\\n`, '-ex', `info line *('${f.function}'+${f.offset})`);
  }
  args.push(object);
  const r = await run('gdb', args, { timeoutMs: 60_000 });
  if (r.spawnError) return frames.map(() => undefined);
  const chunks = r.stdout.split('@@frame\n').slice(1);
  return frames.map((_, i) => {
    const m = INFO_LINE.exec(chunks[i] ?? '');
    return m ? { file: m[2], line: Number(m[1]) } : undefined;
  });
}

export async function symbolize(report: OopsReport, src: SymbolSources): Promise<OopsReport> {
  const all = [...(report.rip ? [report.rip] : []), ...report.frames];
  const byObject = new Map<string, OopsFrame[]>();
  for (const f of all) {
    const object = f.module ? src.modules?.get(f.module) : src.vmlinux;
    if (!object) continue;
    const list = byObject.get(object) ?? [];
    list.push(f);
    byObject.set(object, list);
  }
  const resolved = new Map<OopsFrame, { file: string; line: number }>();
  await Promise.all([...byObject].map(async ([object, frames]) => {
    const results = await resolveInObject(object, frames);
    frames.forEach((f, i) => {
      const r = results[i];
      if (!r) return;
      const base = f.module ? path.dirname(object) : undefined;
      const mapped = src.mapSource?.(r.file) ?? (base && !path.isAbsolute(r.file) ? path.join(base, r.file) : r.file);
      resolved.set(f, { file: mapped, line: r.line });
    });
  }));
  const decorate = (f: OopsFrame): OopsFrame => ({ ...f, ...(resolved.get(f) ?? {}) });
  return { ...report, ...(report.rip ? { rip: decorate(report.rip) } : {}), frames: report.frames.map(decorate) };
}

export function formatFrame(f: OopsFrame): string {
  const where = f.file ? ` (${f.file}:${f.line})` : '';
  return `${f.reliable ? '' : '? '}${f.function}+0x${f.offset.toString(16)}${f.module ? ` [${f.module}]` : ''}${where}`;
}
