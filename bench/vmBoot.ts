// bench/vm-boot: `ring0 run -- true` against a bare `qemu -kernel … -initrd <busybox-only>` boot to
// poweroff of the same kernel, alternated in pairs in one run; prints both medians and the ratio.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCpio } from '../kernel/vm/cpio';
import { findDefaultKernel } from '../kernel/vm/kernelImage';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const pairs = Number(process.env.RING0_BENCH_PAIRS ?? 5);

function timed(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: opts.cwd });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve(ms);
    });
  });
}


async function main(): Promise<void> {
  const kernel = findDefaultKernel();
  if (!kernel) throw new Error('no Debian cloud kernel installed; run `ring0 setup`');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-bench-'));
  const ws = path.join(tmp, 'ws');
  spawnSync('mkdir', ['-p', ws]);
  const bare = path.join(tmp, 'bare.cpio');
  writeFileSync(bare, writeCpio([
    { kind: 'dir', path: 'bin' },
    { kind: 'dir', path: 'dev' },
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 },
    { kind: 'file', path: 'init', data: Buffer.from('#!/bin/busybox sh\n/bin/busybox poweroff -f\n'), mode: 0o755 },
  ]));
  const qemuBare = ['-accel', 'tcg', '-m', '512', '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'null', '-no-reboot',
    '-kernel', kernel.image, '-initrd', bare, '-append', 'console=ttyS0 quiet panic=-1'];
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const ring0 = [cli, 'run', '--accel', 'tcg', '--workspace', ws, '--', 'true'];

  // Warm-up: builds and caches the initramfs and agent, warms the page cache for both.
  await timed('qemu-system-x86_64', qemuBare);
  await timed(process.execPath, ring0);

  const bareMs: number[] = [];
  const ring0Ms: number[] = [];
  for (let i = 0; i < pairs; i++) {
    bareMs.push(await timed('qemu-system-x86_64', qemuBare));
    ring0Ms.push(await timed(process.execPath, ring0));
    process.stderr.write(`pair ${i + 1}/${pairs}: bare ${bareMs[i].toFixed(0)} ms, ring0 ${ring0Ms[i].toFixed(0)} ms\n`);
  }
  rmSync(tmp, { recursive: true, force: true });
  const b = median(bareMs);
  const r = median(ring0Ms);
  console.log(JSON.stringify({ bench: 'vm-boot', accel: 'tcg', kernel: kernel.release, pairs, bareMedianMs: Math.round(b), ring0MedianMs: Math.round(r), ratio: Number((r / b).toFixed(3)), bareMs: bareMs.map(Math.round), ring0Ms: ring0Ms.map(Math.round) }));
  console.log(`vm-boot: bare qemu ${b.toFixed(0)} ms, ring0 run -- true ${r.toFixed(0)} ms, ratio ${(r / b).toFixed(2)} (goal <= 1.15)`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
