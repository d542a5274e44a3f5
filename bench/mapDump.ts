// bench/mapDump: a 10,000-entry BTF hash map in the VM, dumped with Ring0 (dumpMap: resolve + bpftool + validated
// decode) against raw `bpftool -j map dump` through the agent, alternated in one run on one VM. Prints medians and the ratio.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dumpMap } from '../kernel/observe/bpf';
import { connectAgent } from '../kernel/vm/manager';
import { median, timed } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const rounds = Number(process.env.RING0_BENCH_ROUNDS ?? 7);
const ENTRIES = 10_000;

const SOURCE = `// big_map: a 10,000-entry hash map for bench/mapDump.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ${ENTRIES});
	__type(key, u32);
	__type(value, u64);
} big_map SEC(".maps");
SEC("socket")
int touch(void *ctx) { u32 k = 0; bpf_map_lookup_elem(&big_map, &k); return 0; }
`;

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ring0 ${args.join(' ')} exited ${code}: ${err.slice(-1500)}`))));
  });
}

const le = (n: number, bytes: number) => Array.from({ length: bytes }, (_, i) => String((n >>> (8 * i)) & 0xff)).join(' ');

async function main(): Promise<void> {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-bench-mapdump-'));
  try {
    writeFileSync(path.join(ws, 'big_map.bpf.c'), SOURCE);
    await run(['vm', 'start', '--workspace', ws], ws);
    await run(['build', 'bpf', 'big_map.bpf.c'], ws);
    await run(['load', 'big_map.bpf.o', '-w', ws], ws);
    const agent = await connectAgent(ws);
    try {
      const pin = '/sys/fs/bpf/ring0/big_map/maps/big_map';
      const batch = Array.from({ length: ENTRIES }, (_, i) => `map update pinned ${pin} key ${le(i, 4)} value ${le(i * 3, 4)} 0 0 0 0`).join('\n') + '\n';
      writeFileSync(path.join(ws, 'fill.batch'), batch);
      const fill = await agent.run(['bpftool', 'batch', 'file', path.join(ws, 'fill.batch')], { timeoutMs: 300_000 });
      if (fill.exitCode !== 0) throw new Error(`filling the map failed: ${fill.stderr.toString().slice(-500)}`);
      const id = (await dumpMap(agent, 'big_map')).map.id;
      const raw = async () => {
        const r = await agent.run(['bpftool', '-j', 'map', 'dump', 'id', String(id)], { timeoutMs: 120_000 });
        if (r.exitCode !== 0 || r.stdout.length === 0) throw new Error('raw dump failed');
      };
      const ring0 = async () => {
        const d = await dumpMap(agent, 'big_map');
        if (d.entries.length !== ENTRIES) throw new Error(`ring0 dump saw ${d.entries.length} entries`);
      };
      const rawMs: number[] = [];
      const ring0Ms: number[] = [];
      for (let i = 0; i < rounds; i++) {
        rawMs.push(await timed(raw));
        ring0Ms.push(await timed(ring0));
      }
      const r = median(ring0Ms);
      const b = median(rawMs);
      console.log(JSON.stringify({ bench: 'mapDump', entries: ENTRIES, rounds, rawMedianMs: Math.round(b), ring0MedianMs: Math.round(r), ratio: Number((r / b).toFixed(3)), rawMs: rawMs.map(Math.round), ring0Ms: ring0Ms.map(Math.round) }));
      console.log(`mapDump (${ENTRIES} entries): raw bpftool -j ${b.toFixed(0)} ms, ring0 dumpMap ${r.toFixed(0)} ms, ratio ${(r / b).toFixed(2)}`);
    } finally {
      agent.close();
    }
  } finally {
    await run(['vm', 'stop', '--workspace', ws], ws).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
