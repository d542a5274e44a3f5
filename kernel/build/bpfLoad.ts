// Loads a BPF object in the running VM with the static libbpf loader (kernel/bpf/loader.ts) and turns
// a verifier rejection into diagnostics on the user's source lines.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BpfLoadError, loadBpfObject, unloadBpfObject, type LoaderAgent } from '../bpf/loader';
import { verifierDiagnostics } from '../bpf/verifierLog';
import { objectLines } from '../elf/lineInfo';
import type { Diagnostic } from './diagnostics';

export interface BpfLoadResult {
  ok: boolean;
  kind: 'bpf';
  /** The name to unload it by (its pin directory under /sys/fs/bpf/ring0). */
  name: string;
  path: string;
  pinDir?: string;
  programs: { name: string; section: string; type: string; id: number | null; attachPoint?: string; attached: boolean; note?: string }[];
  maps: { name: string; type: string; id: number; keySize: number; valueSize: number; maxEntries: number; pinned: string }[];
  /** Verifier rejections placed on the BPF source. */
  diagnostics: Diagnostic[];
  error?: string;
}

export interface BpfUnloadResult {
  ok: boolean;
  kind: 'bpf';
  name: string;
  removed?: string[];
  error?: string;
}

/** x.bpf.o → x (bpffs refuses dots in pin names). */
export function bpfObjectName(object: string): string {
  return path.basename(object).replace(/\.bpf\.o$|\.o$/, '').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'bpf';
}

/** The source next to an object (x.bpf.o → x.bpf.c), for diagnostics without line info. */
function sourceOf(object: string): string {
  const c = object.replace(/\.o$/, '.c');
  return existsSync(c) ? c : object;
}

export interface BpfLoadOptions {
  object: string;
  name?: string;
  iface?: string;
  uprobeTarget?: string;
  loaderPath?: string;
}

export async function loadBpf(agent: LoaderAgent, o: BpfLoadOptions): Promise<BpfLoadResult> {
  const object = path.resolve(o.object);
  const name = o.name ?? bpfObjectName(object);
  const base = { kind: 'bpf' as const, name, path: object, programs: [], maps: [], diagnostics: [] };
  try {
    const r = await loadBpfObject(agent, { object, name, iface: o.iface, uprobeTarget: o.uprobeTarget, loaderPath: o.loaderPath, replace: true });
    return {
      ...base,
      ok: true,
      pinDir: r.pinDir,
      programs: r.programs.map((p) => ({ name: p.name, section: p.section, type: p.type, id: p.id, ...(p.attach ? { attachPoint: `${p.attach.kind}:${p.attach.target}` } : {}), attached: p.attached, ...(p.note ? { note: p.note } : {}) })),
      maps: r.maps.map((m) => ({ name: m.name, type: m.type, id: m.id, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, pinned: m.pinned })),
    };
  } catch (e) {
    if (!(e instanceof BpfLoadError)) return { ...base, ok: false, error: (e as Error).message };
    const f = e.failure;
    let diagnostics: Diagnostic[] = [];
    if (f.verifierLog) {
      const prog = f.program ?? 'unknown';
      const wrapped = `libbpf: prog '${prog}': BPF program load failed\nlibbpf: prog '${prog}': -- BEGIN PROG LOAD LOG --\n${f.verifierLog.replace(/\n?$/, '\n')}-- END PROG LOAD LOG --\n`;
      let lines: ReturnType<typeof objectLines> = { programs: [], lines: [] };
      try {
        lines = objectLines(object);
      } catch {
        // no line info: the fallback file gets the message
      }
      diagnostics = verifierDiagnostics(wrapped, lines.lines, lines.programs, sourceOf(object));
    }
    const what = f.stage === 'load' && f.verifierLog ? `the BPF verifier rejected program '${f.program ?? '?'}'` : `${f.stage} failed${f.program ? ` for program '${f.program}'` : ''}`;
    const detail = diagnostics[0] ? ` at ${diagnostics[0].file}:${diagnostics[0].line}` : '';
    return { ...base, ok: false, diagnostics, error: `${what}${detail}: ${diagnostics[0]?.message.replace(/^BPF verifier rejected [^:]*: /, '') ?? f.error}` };
  }
}

export async function unloadBpf(agent: LoaderAgent, name: string): Promise<BpfUnloadResult> {
  const n = bpfObjectName(name);
  try {
    const r = await unloadBpfObject(agent, n);
    return { ok: true, kind: 'bpf', name: n, removed: r.removed };
  } catch (e) {
    const msg = e instanceof BpfLoadError && /No such file/.test(e.failure.error) ? `nothing named ${n} is loaded (no kernel module and no BPF object under /sys/fs/bpf/ring0/${n})` : (e as Error).message;
    return { ok: false, kind: 'bpf', name: n, error: msg };
  }
}
