// The one `minimal` kernel the VM and DAP tests share, built once and cached outside the repo by config
// hash and source version (~/.cache/ring0/kernels/<hash>/); later runs reuse it (or only relink).
// `node out/test/ownKernelCache.js` builds it before the slow tiers (npm test does).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../kernel/util/paths';
import { kernelSourceDir } from '../kernel/host/kernelSource';
import { configureKernel } from '../kernel/kernels/config';
import { buildKernel, readBuildInfo, type BuildInfo } from '../kernel/kernels/build';
import { profileFragment, QEMU_FRAGMENT } from '../kernel/kernels/fragments';
import { recognizeTree } from '../kernel/kernels/tree';

export interface TestKernel extends BuildInfo {
  /** Seconds this call spent building (0 when the cached build was reused as is). */
  builtSeconds: number;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function compilerId(): string {
  try {
    return execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return 'no-gcc';
  }
}

/** Holds DIR.lock while FN runs, so two test processes never run make in one build directory. */
async function locked<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8').trim() || 0);
      let alive = false;
      try { process.kill(pid, 0); alive = true; } catch { /* stale */ }
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function ensureTestKernel(log: (m: string) => void = () => undefined): Promise<TestKernel> {
  const source = kernelSourceDir('6.1');
  if (!source) throw new Error("Debian's kernel source is not unpacked: run `ring0 setup --kernel-source`");
  const { version } = recognizeTree(source);
  const root = path.join(cacheDir(), 'kernels');
  mkdirSync(path.join(root, 'by-input'), { recursive: true });
  // Inputs → config hash, so a warm run skips even the ~10 s of Kconfig.
  const inputKey = sha(`${source}\0${version}\0${compilerId()}\0${QEMU_FRAGMENT}\0${profileFragment('minimal')}`);
  const indexFile = path.join(root, 'by-input', inputKey);
  let dir = existsSync(indexFile) ? readFileSync(indexFile, 'utf8').trim() : '';
  if (!dir) {
    const scratch = mkdtempSync(path.join(root, '.config-'));
    try {
      log('configuring the test kernel');
      await configureKernel({ source, buildDir: scratch, profile: 'minimal', fragments: [] });
      const config = readFileSync(path.join(scratch, '.config'), 'utf8');
      dir = path.join(root, sha(`${source}\0${version}\0${config}`));
      if (!existsSync(path.join(dir, '.config'))) {
        mkdirSync(dir, { recursive: true });
        copyFileSync(path.join(scratch, '.config'), path.join(dir, '.config'));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    writeFileSync(`${indexFile}.tmp`, dir);
    renameSync(`${indexFile}.tmp`, indexFile);
  }
  return locked(dir, async () => {
    const cached = readBuildInfo(dir);
    if (cached && existsSync(cached.image) && existsSync(path.join(cached.modulesDir, 'modules.dep'))) return { ...cached, builtSeconds: 0 };
    if (!existsSync(path.join(dir, 'source'))) {
      // A fresh directory: let Kbuild set up the O= tree from the copied .config.
      execFileSync('make', ['-C', source, `O=${dir}`, 'olddefconfig'], { stdio: 'ignore' });
    }
    log(`building the test kernel in ${dir} (from scratch: ~6 min on an idle 2-core machine, ~17 min under load)`);
    const r = await buildKernel({ buildDir: dir, jobs: 2, progress: (l) => log(l) });
    if (!r.ok) throw new Error(`the test kernel did not build:\n${r.log ?? JSON.stringify(r.diagnostics.slice(0, 5))}`);
    return { ...readBuildInfo(dir)!, builtSeconds: r.seconds };
  });
}

if (require.main === module) {
  let last = 0;
  ensureTestKernel((m) => {
    if (Date.now() - last > 10_000 || !/^\S+\s+\S/.test(m)) {
      last = Date.now();
      process.stderr.write(`${m}\n`);
    }
  }).then(
    (k) => process.stdout.write(`test kernel ${k.release}: ${k.image}${k.builtSeconds ? ` (built in ${k.builtSeconds} s)` : ' (cached)'}\n`),
    (e) => { process.stderr.write(`${(e as Error).message}\n`); process.exitCode = 1; },
  );
}
