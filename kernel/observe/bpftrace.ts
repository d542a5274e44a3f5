// bpftrace in the guest (the host's Debian bpftrace, through the host-root share) with streamed output,
// start-up progress and a duration that counts from when its probes are attached.
import path from 'node:path';
import type { AgentClient } from '../agent/client';
import { parseBpftraceJsonLine, type BpftraceOutput } from './bpftraceParse';

export * from './bpftraceParse';

export type BpftraceAgent = Pick<AgentClient, 'exec'>;

export interface BpftraceOptions {
  /** A program (-e) ... */
  program?: string;
  /** ... or a .bt file at a path the guest sees (the workspace is shared at the same path). */
  file?: string;
  /** Extra bpftrace arguments (e.g. ['-p', '42']), before the program. */
  args?: string[];
  /** Parsed output as it arrives (JSON lines; stderr lines come as text). */
  onOutput: (o: BpftraceOutput, stream: 'stdout' | 'stderr') => void;
  /** Stops bpftrace with SIGINT, so it prints its maps and exits. */
  signal?: AbortSignal;
  /** SIGINT after this long (ms) of tracing: counted from when bpftrace has attached its probes. */
  durationMs?: number;
  /** Start-up progress: 'starting' once at spawn and then about every `tickMs`, 'attached' once. */
  onPhase?: (p: BpftracePhase) => void;
  /** How often 'starting' repeats while bpftrace compiles and attaches (default 1000 ms). */
  tickMs?: number;
  /** bpftrace binary in the guest; default 'bpftrace' (from the host-root share). */
  bpftrace?: string;
}

export type BpftracePhase =
  | { phase: 'starting'; elapsedMs: number }
  | { phase: 'attached'; elapsedMs: number; probes: number };

/** What bpftrace is doing before it attaches (it prints nothing until then), for progress lines. */
export function startingMessage(elapsedMs: number): string {
  return `bpftrace is starting (loading BTF, compiling, attaching probes) · ${(elapsedMs / 1000).toFixed(1)} s`;
}

export interface BpftraceResult {
  exitCode: number | null;
  signal: string | number | null;
  /** Lost events bpftrace reported. */
  lost: number;
  stderr: string;
  /** Spawn to `attached_probes` (ms); null when bpftrace never attached. */
  startupMs: number | null;
  /** Stopped (signal or duration) before bpftrace had attached: the run was cut during start-up. */
  cutInStartup: boolean;
}

/** Why a run ended without maps, said plainly (null when it did not end that way). */
export function cutMessage(r: Pick<BpftraceResult, 'cutInStartup' | 'exitCode' | 'signal'>, elapsedMs: number): string | null {
  if (r.cutInStartup) return `the run was cut during bpftrace's start-up (after ${(elapsedMs / 1000).toFixed(1)} s, before it had attached its probes), so it traced nothing and printed no maps`;
  if (r.exitCode === null && r.signal === 'SIGINT') return 'bpftrace ended by SIGINT before it had set up its handler, so it printed no maps';
  return null;
}

export function bpftraceArgv(o: Pick<BpftraceOptions, 'program' | 'file' | 'args' | 'bpftrace'>): string[] {
  if ((o.program === undefined) === (o.file === undefined)) throw new Error('give a bpftrace program (-e) or a .bt file, not both');
  const argv = [o.bpftrace ?? 'bpftrace', '-f', 'json', ...(o.args ?? [])];
  if (o.program !== undefined) {
    if (!o.program.trim()) throw new Error('the bpftrace program is empty');
    argv.push('-e', o.program);
  } else argv.push(path.resolve(o.file as string));
  return argv;
}

/** Runs bpftrace in the guest until it exits, `signal` aborts, or `durationMs` passes. */
export async function runBpftrace(agent: BpftraceAgent, opts: BpftraceOptions): Promise<BpftraceResult> {
  const argv = bpftraceArgv(opts);
  const spawned = Date.now();
  const h = agent.exec(argv, { env: { BPFTRACE_NO_USER_SYMBOLS: '1' } });
  let lost = 0;
  let startupMs: number | null = null;
  let interrupted = false;
  let timer: NodeJS.Timeout | undefined;
  const interrupt = () => {
    if (startupMs === null) interrupted = true;
    void h.kill('SIGINT').catch(() => undefined);
  };
  opts.onPhase?.({ phase: 'starting', elapsedMs: 0 });
  const ticker = opts.onPhase ? setInterval(() => opts.onPhase?.({ phase: 'starting', elapsedMs: Date.now() - spawned }), opts.tickMs ?? 1000) : undefined;
  const onAttached = (probes: number) => {
    if (startupMs !== null) return;
    startupMs = Date.now() - spawned;
    if (ticker) clearInterval(ticker);
    opts.onPhase?.({ phase: 'attached', elapsedMs: startupMs, probes });
    if (opts.durationMs !== undefined) timer = setTimeout(interrupt, opts.durationMs);
  };
  let stderr = '';
  const pending = { stdout: '', stderr: '' };
  const feed = (which: 'stdout' | 'stderr', text: string, flush = false) => {
    pending[which] += text;
    const lines = pending[which].split('\n');
    pending[which] = flush ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      if (which === 'stderr') {
        if (stderr.length < 65536) stderr += line + '\n';
        if (line.trim()) opts.onOutput({ kind: 'text', text: line }, 'stderr');
        continue;
      }
      const o = parseBpftraceJsonLine(line);
      if (!o) continue;
      if (o.kind === 'lost') lost += o.events;
      if (o.kind === 'attached') onAttached(o.probes);
      opts.onOutput(o, 'stdout');
    }
  };
  h.on('stdout', (b: Buffer) => feed('stdout', b.toString('utf8')));
  h.on('stderr', (b: Buffer) => feed('stderr', b.toString('utf8')));
  opts.signal?.addEventListener('abort', interrupt);
  if (opts.signal?.aborted) interrupt();
  try {
    let r;
    try {
      r = await h.result;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') {
        throw new Error(`${argv[0]} is not in the guest: the guest runs the host's bpftrace through the host-root share. Install it on the host (ring0 setup --test-host, or apt-get install bpftrace) and keep ring0.vm.shareHostRoot on.`);
      }
      throw e;
    }
    feed('stdout', '', true);
    feed('stderr', '', true);
    return { exitCode: r.exitCode, signal: r.signal, lost, stderr, startupMs, cutInStartup: interrupted && startupMs === null };
  } finally {
    if (timer) clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    opts.signal?.removeEventListener('abort', interrupt);
  }
}
