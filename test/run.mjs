// `npm test`: builds, installs what is missing (ring0 setup), then runs the unit, VM and real-VS-Code
// tiers with node's test runner, and ends with one "N passed, N failed" line for CI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') : undefined;
const tiers = [
  // Per-test timeouts: a hung test fails with its name instead of stalling CI. Each file also runs as
  // one test under this limit, so the real-part tiers allow a whole file (the labs file checks every
  // lab in one shared VM, ~5 min on a quiet machine under TCG, twice that on a loaded one).
  { name: 'unit', dir: 'out/test/unit', concurrency: 2, timeoutMs: 60_000 },
  { name: 'vm', dir: 'out/test/vm', concurrency: 1, timeoutMs: 1_200_000 },
  { name: 'dap', dir: 'out/test/dap', concurrency: 1, timeoutMs: 900_000 },
  { name: 'host', dir: 'out/test/host', concurrency: 1, timeoutMs: 900_000 },
].filter((t) => !only || only.includes(t.name));

function step(title, cmd, cmdArgs) {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`\n${title} failed (exit ${r.status ?? r.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

step('build', process.execPath, ['scripts/build.mjs']);
if (!only || only.some((t) => t !== 'unit')) {
  const setupArgs = ['dist/cli.js', 'setup', '--debug-symbols', '--kernel-source'];
  if (!only || only.includes('host')) setupArgs.push('--test-host');
  step('ring0 setup', process.execPath, setupArgs);
  // The VM and DAP tests' own kernel: built once (~6 min on an idle 2-core machine), then cached by config hash.
  if (!only || only.includes('vm') || only.includes('dap')) step('test kernel (ring0 kernel build, cached)', process.execPath, ['out/test/ownKernelCache.js']);
}

function runTier(tier) {
  const dir = path.join(root, tier.dir);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(tier.dir, f)) : [];
  if (files.length === 0) return Promise.resolve({ pass: 0, fail: 0, skipped: 0 });
  console.log(`\n== ${tier.name} tests (${files.length} files)`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', `--test-concurrency=${tier.concurrency}`, `--test-timeout=${tier.timeoutMs}`, '--test-reporter=spec', ...files], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, RING0_TEST_TIER: tier.name },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      const count = (k) => Number(new RegExp(`^ℹ ${k} (\\d+)`, 'm').exec(out)?.[1] ?? 0);
      const r = { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
      // A runner that died without a summary still fails the run.
      if (code !== 0 && r.fail === 0) r.fail = 1;
      resolve(r);
    });
  });
}

const totals = { pass: 0, fail: 0, skipped: 0 };
for (const tier of tiers) {
  const r = await runTier(tier);
  totals.pass += r.pass;
  totals.fail += r.fail;
  totals.skipped += r.skipped;
  console.log(`-- ${tier.name}: ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped`);
}
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail ? 1 : 0);
