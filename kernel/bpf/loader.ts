// Runs ring0-bpf-loader in the guest (load/unload/list) and validates its JSON replies into typed results.
import type { AgentClient } from '../agent/client';
import { cacheDir } from '../util/paths';
import { ensureLoaderBinary } from './loaderBuild';

export { ensureLoaderBinary, defaultLoaderSourceDir, LoaderBuildError, LOADER_PACKAGES } from './loaderBuild';

/** Where Ring0 pins what it loads: <root>/<name>/{maps,links,progs,tc}. */
export const PIN_ROOT = '/sys/fs/bpf/ring0';

export interface AttachPoint {
  /** 'tracepoint', 'raw_tracepoint', 'kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'fentry', 'fexit', 'lsm', 'xdp', 'tc', ... */
  kind: string;
  /** 'syscalls/sys_enter_openat', 'do_sys_openat2', '/usr/lib/x86_64-linux-gnu/libc.so.6:malloc', 'lo', 'lo:ingress' */
  target: string;
}

export interface LoadedProgram {
  name: string;
  section: string;
  /** libbpf's program type name: 'tracepoint', 'kprobe', 'tracing', 'xdp', 'sched_cls', ... */
  type: string;
  /** Kernel program id; null when the program was not loaded (autoload off). */
  id: number | null;
  attach: AttachPoint | null;
  attached: boolean;
  /** Why a program is loaded but not attached. */
  note?: string;
  /** Pinned program (keeps it alive), or null. */
  pinned: string | null;
  /** Pinned link (links/NAME), or tc/... for tc filters; null when not attached. */
  link: string | null;
  /** Only with logLevel > 0. */
  verifierLog?: string;
}

export interface LoadedMap {
  name: string;
  /** libbpf's map type name: 'hash', 'array', 'ringbuf', ... */
  type: string;
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  pinned: string;
}

export interface LoadResult {
  ok: true;
  object: string;
  pinDir: string;
  programs: LoadedProgram[];
  maps: LoadedMap[];
}

export type LoaderStage = 'usage' | 'open' | 'load' | 'attach' | 'pin' | 'unload';
const STAGES: readonly LoaderStage[] = ['usage', 'open', 'load', 'attach', 'pin', 'unload'];

export interface LoaderFailure {
  ok: false;
  stage: LoaderStage;
  error: string;
  /** The program that failed to load or attach. */
  program?: string;
  /** The kernel verifier's log for that program (or for the object's BTF). */
  verifierLog?: string;
  /** libbpf's warnings during the run. */
  libbpfLog?: string;
}

export interface UnloadResult {
  ok: boolean;
  pinDir: string;
  removed: string[];
  error?: string;
}

export interface PinnedEntry {
  name: string;
  pinned: string;
  id?: number;
  type?: string;
  /** Set when the pin could not be opened. */
  error?: string;
  /** Links: the program behind the link. */
  progId?: number;
  kernelName?: string;
  keySize?: number;
  valueSize?: number;
  maxEntries?: number;
}

export interface LoadedObject {
  name: string;
  pinDir: string;
  programs: PinnedEntry[];
  links: PinnedEntry[];
  maps: PinnedEntry[];
  tcFilters: PinnedEntry[];
}

export interface ListResult {
  ok: true;
  pinRoot: string;
  objects: LoadedObject[];
}

/** The loader's output was not the JSON it promises (crashed, wrong binary, truncated). */
export class LoaderOutputError extends Error {
  override readonly name = 'LoaderOutputError';
}

/** Loading or unloading failed; `failure` has the stage, the program and the verifier log. */
export class BpfLoadError extends Error {
  override readonly name = 'BpfLoadError';
  constructor(readonly failure: LoaderFailure) {
    super(`${failure.stage} failed${failure.program ? ` (program ${failure.program})` : ''}: ${failure.error}`);
  }
}

type Json = Record<string, unknown>;

class Shape {
  constructor(private readonly where: string) {}
  fail(what: string): never {
    throw new LoaderOutputError(`unexpected BPF loader output: ${this.where}: ${what}`);
  }
  obj(v: unknown, what: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${what} is not an object`);
    return v as Json;
  }
  arr(v: unknown, what: string): unknown[] {
    if (!Array.isArray(v)) this.fail(`${what} is not an array`);
    return v;
  }
  str(o: Json, k: string): string {
    const v = o[k];
    if (typeof v !== 'string') this.fail(`${k} is not a string`);
    return v;
  }
  optStr(o: Json, k: string): string | undefined {
    if (o[k] === undefined) return undefined;
    return this.str(o, k);
  }
  strOrNull(o: Json, k: string): string | null {
    return o[k] === null ? null : this.str(o, k);
  }
  int(o: Json, k: string): number {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(`${k} is not a non-negative integer`);
    return v;
  }
  optInt(o: Json, k: string): number | undefined {
    return o[k] === undefined ? undefined : this.int(o, k);
  }
  bool(o: Json, k: string): boolean {
    const v = o[k];
    if (typeof v !== 'boolean') this.fail(`${k} is not a boolean`);
    return v;
  }
}

function parseJson(stdout: string | Buffer): unknown {
  const text = (typeof stdout === 'string' ? stdout : stdout.toString('utf8')).trim();
  if (!text) throw new LoaderOutputError('the BPF loader printed nothing (did it crash?)');
  try {
    return JSON.parse(text);
  } catch (e) {
    const head = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new LoaderOutputError(`the BPF loader printed something that is not JSON (${(e as Error).message}): ${head}`);
  }
}

function parseFailure(s: Shape, o: Json): LoaderFailure {
  const stage = s.str(o, 'stage');
  if (!(STAGES as readonly string[]).includes(stage)) s.fail(`unknown stage '${stage}'`);
  const f: LoaderFailure = { ok: false, stage: stage as LoaderStage, error: s.str(o, 'error') };
  const program = s.optStr(o, 'program');
  const verifierLog = s.optStr(o, 'verifierLog');
  const libbpfLog = s.optStr(o, 'libbpfLog');
  if (program !== undefined) f.program = program;
  if (verifierLog !== undefined) f.verifierLog = verifierLog;
  if (libbpfLog !== undefined) f.libbpfLog = libbpfLog;
  return f;
}

function parseProgram(s: Shape, v: unknown): LoadedProgram {
  const o = s.obj(v, 'a program');
  let attach: AttachPoint | null = null;
  if (o.attach !== null) {
    const a = s.obj(o.attach, 'attach');
    attach = { kind: s.str(a, 'kind'), target: s.str(a, 'target') };
  }
  const p: LoadedProgram = {
    name: s.str(o, 'name'),
    section: s.str(o, 'section'),
    type: s.str(o, 'type'),
    id: o.id === null ? null : s.int(o, 'id'),
    attach,
    attached: s.bool(o, 'attached'),
    pinned: o.pinned === undefined ? null : s.strOrNull(o, 'pinned'),
    link: o.link === undefined ? null : s.strOrNull(o, 'link'),
  };
  const note = s.optStr(o, 'note');
  const log = s.optStr(o, 'verifierLog');
  if (note !== undefined) p.note = note;
  if (log !== undefined) p.verifierLog = log;
  return p;
}

function parseMap(s: Shape, v: unknown): LoadedMap {
  const o = s.obj(v, 'a map');
  return {
    name: s.str(o, 'name'),
    type: s.str(o, 'type'),
    id: s.int(o, 'id'),
    keySize: s.int(o, 'keySize'),
    valueSize: s.int(o, 'valueSize'),
    maxEntries: s.int(o, 'maxEntries'),
    pinned: s.str(o, 'pinned'),
  };
}

/** Validates `ring0-bpf-loader load` output. Throws LoaderOutputError when it is not the promised JSON. */
export function parseLoaderResult(stdout: string | Buffer): LoadResult | LoaderFailure {
  const s = new Shape('load');
  const o = s.obj(parseJson(stdout), 'the reply');
  if (o.ok === false) return parseFailure(s, o);
  if (o.ok !== true) s.fail('ok is neither true nor false');
  return {
    ok: true,
    object: s.str(o, 'object'),
    pinDir: s.str(o, 'pinDir'),
    programs: s.arr(o.programs, 'programs').map((p) => parseProgram(s, p)),
    maps: s.arr(o.maps, 'maps').map((m) => parseMap(s, m)),
  };
}

/** Validates `unload` output: an UnloadResult, or the failure (nothing pinned under that name, bad usage). */
export function parseUnloadResult(stdout: string | Buffer): UnloadResult | LoaderFailure {
  const s = new Shape('unload');
  const o = s.obj(parseJson(stdout), 'the reply');
  if (o.ok === false && o.stage !== undefined) return parseFailure(s, o);
  const r: UnloadResult = {
    ok: s.bool(o, 'ok'),
    pinDir: s.str(o, 'pinDir'),
    removed: s.arr(o.removed, 'removed').map((v) => (typeof v === 'string' ? v : s.fail('removed holds a non-string'))),
  };
  const error = s.optStr(o, 'error');
  if (error !== undefined) r.error = error;
  return r;
}

function parseEntry(s: Shape, v: unknown): PinnedEntry {
  const o = s.obj(v, 'a pinned entry');
  const e: PinnedEntry = { name: s.str(o, 'name'), pinned: s.str(o, 'pinned') };
  for (const k of ['type', 'error', 'kernelName'] as const) {
    const x = s.optStr(o, k);
    if (x !== undefined) e[k] = x;
  }
  for (const k of ['id', 'progId', 'keySize', 'valueSize', 'maxEntries'] as const) {
    const x = s.optInt(o, k);
    if (x !== undefined) e[k] = x;
  }
  return e;
}

/** Validates `list` output. */
export function parseListResult(stdout: string | Buffer): ListResult | LoaderFailure {
  const s = new Shape('list');
  const o = s.obj(parseJson(stdout), 'the reply');
  if (o.ok === false) return parseFailure(s, o);
  if (o.ok !== true) s.fail('ok is neither true nor false');
  const entries = (x: Json, k: string) => (x[k] === undefined ? [] : s.arr(x[k], k).map((e) => parseEntry(s, e)));
  return {
    ok: true,
    pinRoot: s.str(o, 'pinRoot'),
    objects: s.arr(o.objects, 'objects').map((v) => {
      const x = s.obj(v, 'an object');
      return { name: s.str(x, 'name'), pinDir: s.str(x, 'pinDir'), programs: entries(x, 'programs'), links: entries(x, 'links'), maps: entries(x, 'maps'), tcFilters: entries(x, 'tcFilters') };
    }),
  };
}

/** The agent call the loader needs (AgentClient, or a fake in tests). */
export type LoaderAgent = Pick<AgentClient, 'run'>;

export interface LoadOptions {
  /** The .bpf.o, at a path the guest sees (the workspace is shared at the same path). */
  object: string;
  /** Pin directory name under PIN_ROOT: letters, digits, '_' and '-' (bpffs refuses '.'). */
  name: string;
  /** ring0-bpf-loader on the host; the guest sees the host root at the same path. Default: built into Ring0's cache. */
  loaderPath?: string;
  iface?: string;
  uprobeTarget?: string;
  /** Kernel verifier log level (1 or 2; 4: statistics only) also for programs that load; logs come back per program. */
  logLevel?: 0 | 1 | 2 | 4 | 6;
  /** Unload an object already pinned under this name first. */
  replace?: boolean;
  /** Load and report only: nothing is attached or pinned (the programs go when the loader exits). */
  noAttach?: boolean;
  timeoutMs?: number;
}

export function pinDirFor(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`invalid BPF object name '${name}': use 1-64 letters, digits, '_' or '-'`);
  return `${PIN_ROOT}/${name}`;
}

export interface LoaderCallOptions {
  /** Default: ensureLoaderBinary in Ring0's cache directory (which the guest sees through the host-root share). */
  loaderPath?: string;
  timeoutMs?: number;
}

async function runLoader(agent: LoaderAgent, path: string | undefined, args: string[], timeoutMs: number): Promise<{ stdout: Buffer; exitCode: number | null; stderr: string }> {
  const loaderPath = path ?? (await ensureLoaderBinary({ cacheDir: cacheDir() }));
  let r;
  try {
    r = await agent.run([loaderPath, ...args], { timeoutMs });
  } catch (e) {
    throw new Error(`could not run the BPF loader ${loaderPath} in the guest (${(e as Error).message}); the guest sees it through the host-root share (ring0.vm.shareHostRoot)`);
  }
  const stderr = r.stderr.toString('utf8');
  if (r.timedOut) throw new Error(`the BPF loader timed out after ${timeoutMs} ms: ${stderr.slice(-500)}`);
  if (r.stdout.length === 0) throw new LoaderOutputError(`the BPF loader exited (${r.exitCode ?? r.signal}) without output: ${stderr.trim().slice(-500) || '(no stderr)'}`);
  return { stdout: r.stdout, exitCode: r.exitCode, stderr };
}

/** Loads, attaches and pins an object in the guest. Throws BpfLoadError with the verifier log on failure. */
export async function loadBpfObject(agent: LoaderAgent, opts: LoadOptions): Promise<LoadResult> {
  const pinDir = pinDirFor(opts.name);
  if (opts.replace) await unloadBpfObject(agent, opts.name, { loaderPath: opts.loaderPath, missingOk: true });
  const args = ['load', opts.object, '--pin-dir', pinDir];
  if (opts.iface) args.push('--iface', opts.iface);
  if (opts.uprobeTarget) args.push('--uprobe-target', opts.uprobeTarget);
  if (opts.logLevel) args.push('--log-level', String(opts.logLevel));
  if (opts.noAttach) args.push('--no-attach');
  const r = await runLoader(agent, opts.loaderPath, args, opts.timeoutMs ?? 60_000);
  const result = parseLoaderResult(r.stdout);
  if (!result.ok) throw new BpfLoadError(result);
  if (r.exitCode !== 0) throw new LoaderOutputError(`the BPF loader reported success but exited with ${r.exitCode}`);
  return result;
}

/** Unpins (detaching) everything loaded under `name`. missingOk: nothing loaded is not an error. */
export async function unloadBpfObject(agent: LoaderAgent, name: string, opts: LoaderCallOptions & { missingOk?: boolean } = {}): Promise<UnloadResult> {
  const pinDir = pinDirFor(name);
  const r = await runLoader(agent, opts.loaderPath, ['unload', '--pin-dir', pinDir], opts.timeoutMs ?? 30_000);
  const result = parseUnloadResult(r.stdout);
  if ('stage' in result) {
    if (opts.missingOk && result.stage === 'unload' && /No such file/.test(result.error)) return { ok: true, pinDir, removed: [] };
    throw new BpfLoadError(result);
  }
  if (!result.ok) throw new BpfLoadError({ ok: false, stage: 'unload', error: result.error ?? `unloading ${pinDir} failed` });
  return result;
}

/** What Ring0 has pinned in the guest, with the program, link and map ids behind the pins. */
export async function listBpfObjects(agent: LoaderAgent, opts: LoaderCallOptions = {}): Promise<ListResult> {
  const r = await runLoader(agent, opts.loaderPath, ['list', '--pin-root', PIN_ROOT], opts.timeoutMs ?? 30_000);
  const result = parseListResult(r.stdout);
  if (!result.ok) throw new BpfLoadError(result);
  return result;
}
