// bench/remote: `ring0 run -- true` through a loopback SSH host (a test sshd on 127.0.0.1, the
// workspace synced to another dir) against the same command run locally, alternated in pairs in one
// run; prints both medians, the ratio and a JSON line. The DAP step over SSH is not measured yet.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knownHostsLine, startSshd } from '../test/vm/sshdHarness';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const pairs = Number(process.env.RING0_BENCH_PAIRS ?? 3);

function timed(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`ring0 ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

async function main(): Promise<void> {
  const sshd = await startSshd();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-bench-remote-'));
  const home = path.join(tmp, 'home');
  const ws = path.join(tmp, 'local-ws');
  const remoteWs = path.join(tmp, 'remote-ws');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(ws);
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), knownHostsLine(sshd));
  writeFileSync(path.join(ws, 'a.c'), 'int main(void) { return 0; }\n');
  const env = { HOME: home, SSH_AUTH_SOCK: '', RING0_REMOTE_INSTALL_DIR: path.join(tmp, 'install') };
  const remote = ['--remote', sshd.url, '--identity', sshd.userKey, '--remote-dir', remoteWs];
  const local = ['run', '--accel', 'tcg', '--', 'true'];
  try {
    await timed([...remote, 'remote', 'setup'], env, ws);
    // Warm-up: the first sync copies the workspace; both sides build and cache the initramfs.
    await timed(local, env, ws);
    await timed([...remote, ...local], env, ws);
    const localMs: number[] = [];
    const remoteMs: number[] = [];
    for (let i = 0; i < pairs; i++) {
      localMs.push(await timed(local, env, ws));
      remoteMs.push(await timed([...remote, ...local], env, ws));
      process.stderr.write(`pair ${i + 1}/${pairs}: local ${localMs[i].toFixed(0)} ms, over ssh ${remoteMs[i].toFixed(0)} ms\n`);
    }
    const l = median(localMs);
    const r = median(remoteMs);
    console.log(JSON.stringify({ bench: 'remote', pairs, localMedianMs: Math.round(l), remoteMedianMs: Math.round(r), ratio: Number((r / l).toFixed(3)), localMs: localMs.map(Math.round), remoteMs: remoteMs.map(Math.round) }));
    console.log(`remote: ring0 run -- true locally ${l.toFixed(0)} ms, through loopback SSH ${r.toFixed(0)} ms, ratio ${(r / l).toFixed(2)} (goal < 1.15)`);
  } finally {
    await sshd.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
