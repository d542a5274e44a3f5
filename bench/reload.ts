// bench/reload: edit a module source, then save → rebuilt → reloaded in the running VM, with Ring0
// (`ring0 build module` + `ring0 load`) against the raw steps (make -C … M=… modules, then rmmod +
// insmod through `ring0 vm exec`), alternated in one run on one VM. Prints both medians and the ratio.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findDefaultKernel } from '../kernel/vm/kernelImage';
import { median, timed } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const rounds = Number(process.env.RING0_BENCH_ROUNDS ?? 5);

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-1500)}`))));
  });
}

async function main(): Promise<void> {
  const kernel = findDefaultKernel();
  if (!kernel) throw new Error('no Debian cloud kernel installed; run `ring0 setup`');
  const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-bench-reload-'));
  const dir = path.join(ws, 'hello-module');
  cpSync(path.join(ROOT, 'samples', 'workspace', 'hello-module'), dir, { recursive: true });
  const src = path.join(dir, 'hello.c');
  const original = readFileSync(src, 'utf8');
  let edits = 0;
  // A real edit each time: the greeting changes, so make recompiles hello.o.
  const edit = () => writeFileSync(src, original.replace('hello: hello, %s', `hello: hello #${++edits}, %s`));

  await run(process.execPath, [CLI, 'vm', 'start', '--workspace', ws], ws);
  try {
    const ring0 = async () => {
      edit();
      await run(process.execPath, [CLI, 'build', 'module', dir], ws);
      await run(process.execPath, [CLI, 'load', path.join(dir, 'hello.ko'), '--workspace', ws], ws);
    };
    const raw = async () => {
      edit();
      await run('make', ['-C', kernel.buildDir, `M=${dir}`, 'modules'], ws);
      await run(process.execPath, [CLI, 'vm', 'exec', '--workspace', ws, '--', 'sh', '-c', `rmmod hello 2>/dev/null; insmod ${dir}/hello.ko`], ws);
    };
    await ring0(); // warm-up: first build, page cache, loader/agent connections
    await raw();
    const ring0Ms: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      rawMs.push(await timed(raw));
      ring0Ms.push(await timed(ring0));
      process.stderr.write(`round ${i + 1}/${rounds}: raw ${rawMs[i].toFixed(0)} ms, ring0 ${ring0Ms[i].toFixed(0)} ms\n`);
    }
    const r = median(ring0Ms);
    const b = median(rawMs);
    console.log(JSON.stringify({ bench: 'reload', rounds, rawMedianMs: Math.round(b), ring0MedianMs: Math.round(r), ratio: Number((r / b).toFixed(3)), rawMs: rawMs.map(Math.round), ring0Ms: ring0Ms.map(Math.round) }));
    console.log(`reload: raw make+insmod ${b.toFixed(0)} ms, ring0 build+load ${r.toFixed(0)} ms, ratio ${(r / b).toFixed(2)}; goal: ring0 median <= 3000 ms (${r <= 3000 ? 'met' : 'not met'})`);
  } finally {
    await run(process.execPath, [CLI, 'vm', 'stop', '--workspace', ws], ws).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
