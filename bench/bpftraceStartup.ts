// bench/bpftrace-startup: bpftrace's start-up in the VM (spawn → probes attached: loading BTF, parsing,
// compiling, attaching) through Ring0 (runBpftrace: host → agent → guest, timed host-side to its
// attached_probes record) against raw bpftrace in the guest timed by the guest's clock, alternated in one
// run on one VM. The first run of the boot is reported apart: it also reads bpftrace's ~200 MB of
// libraries from the host-root share into the guest's page cache.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentClient } from '../kernel/agent/client';
import { runBpftrace } from '../kernel/observe/bpftrace';
import { findBpftraceTool } from '../kernel/observe/bpftraceTools';
import { connectAgent } from '../kernel/vm/manager';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const rounds = Number(process.env.RING0_BENCH_ROUNDS ?? 3);
const TOOLS = (process.env.RING0_BENCH_TOOLS ?? 'vfscount,execsnoop').split(',');

function cli(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ring0 ${args.join(' ')} exited ${code}: ${err.slice(-1500)}`))));
  });
}

/** Raw: the guest starts bpftrace itself and times it to its first line, attached_probes (guest clock). */
async function raw(agent: AgentClient, file: string): Promise<number> {
  const script = [
    // No polling (a grep loop would steal the one vCPU from bpftrace): block on its first output line.
    'd=$(mktemp -d); mkfifo "$d/f"; s=$(date +%s%N)',
    'BPFTRACE_NO_USER_SYMBOLS=1 bpftrace -f json "$1" >"$d/f" 2>&1 & p=$!',
    'read -r first <"$d/f"; e=$(date +%s%N)',
    'case "$first" in *attached_probes*) ;; *) echo "$first" >&2; kill $p; exit 1;; esac',
    'kill -INT $p; wait $p; rm -rf "$d"; echo $(( (e - s) / 1000000 ))',
  ].join('\n');
  const r = await agent.run(['sh', '-c', script, 'sh', file], { timeoutMs: 300_000 });
  const ms = Number(r.stdout.toString().trim());
  if (r.exitCode !== 0 || !Number.isFinite(ms)) throw new Error(`raw bpftrace ${file} failed (exit ${r.exitCode}): ${r.stderr.toString().slice(-500)}`);
  return ms;
}

async function ring0(agent: AgentClient, file: string): Promise<number> {
  const r = await runBpftrace(agent, { file, durationMs: 100, onOutput: () => undefined });
  if (r.startupMs === null) throw new Error(`ring0 bpftrace ${file} never attached (exit ${r.exitCode}): ${r.stderr.slice(-500)}`);
  return r.startupMs;
}

async function main(): Promise<void> {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-bench-bt-'));
  let agent: AgentClient | undefined;
  try {
    await cli(['vm', 'start', '--workspace', ws], ws);
    agent = await connectAgent(ws);
    const files = TOOLS.map((t) => findBpftraceTool(t).path);
    const firstOfBoot = await raw(agent, files[0]);
    const per: Record<string, { raw: number[]; ring0: number[] }> = {};
    for (const f of files) per[path.basename(f, '.bt')] = { raw: [], ring0: [] };
    for (let i = 0; i < rounds; i++) {
      for (const f of files) {
        const p = per[path.basename(f, '.bt')];
        // Alternate which goes first so neither always gets the warmer cache.
        if (i % 2) {
          p.ring0.push(await ring0(agent, f));
          p.raw.push(await raw(agent, f));
        } else {
          p.raw.push(await raw(agent, f));
          p.ring0.push(await ring0(agent, f));
        }
      }
    }
    const tools = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, { rawMedianMs: median(v.raw), ring0MedianMs: median(v.ring0), ratio: Number((median(v.ring0) / median(v.raw)).toFixed(3)), raw: v.raw, ring0: v.ring0 }]));
    const rawAll = median(Object.values(per).flatMap((v) => v.raw));
    const ringAll = median(Object.values(per).flatMap((v) => v.ring0));
    console.log(JSON.stringify({ bench: 'bpftrace-startup', rounds, firstOfBootRawMs: firstOfBoot, rawMedianMs: rawAll, ring0MedianMs: ringAll, ratio: Number((ringAll / rawAll).toFixed(3)), tools }));
    console.log(`bpftrace start-up (spawn → attached) under this VM: raw in the guest ${rawAll} ms median, through Ring0 ${ringAll} ms, ratio ${(ringAll / rawAll).toFixed(2)}; first run of the boot ${firstOfBoot} ms (cold page cache)`);
    for (const [k, v] of Object.entries(tools)) console.log(`  ${k}: raw ${v.raw.join('/')} ms, ring0 ${v.ring0.join('/')} ms`);
  } finally {
    agent?.close();
    await cli(['vm', 'stop', '--workspace', ws], ws).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
