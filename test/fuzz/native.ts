// The guest agent's C parsers (json.c, proto.c's frame decoder) under libFuzzer with ASan and UBSan:
// built with clang from kernel/guest/agent/fuzz/fuzz_agent.c when clang has the fuzzer runtime
// (Debian libclang-rt-14-dev; `ring0 setup --test-host` installs it), else reported as skipped.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CORPUS_DIR } from './harness';

const AGENT = path.resolve(__dirname, '..', '..', '..', 'kernel', 'guest', 'agent');
const SOURCES = ['fuzz/fuzz_agent.c', 'json.c', 'proto.c', '../common/jw.c'];
const FLAGS = ['-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined'];

export interface NativeResult {
  /** Why it did not run (no clang, no libFuzzer runtime). */
  skipped?: string;
  runs: number;
  failures: number;
  output: string;
}

/** Builds the fuzzer once per content hash of its sources and flags (cached like the agent itself). */
export function buildNativeFuzzer(): { binary?: string; error?: string } {
  const clang = process.env.RING0_FUZZ_CC ?? 'clang';
  const version = spawnSync(clang, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return { error: `${clang} is not installed` };
  const h = createHash('sha256').update(version.stdout).update(FLAGS.join(' '));
  for (const f of [...SOURCES, 'agent.h', 'json.h']) h.update(readFileSync(path.join(AGENT, f)));
  const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ring0', 'fuzz');
  const binary = path.join(dir, `fuzz_agent-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return { binary };
  mkdirSync(dir, { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const r = spawnSync(clang, [...FLAGS, '-I', AGENT, ...SOURCES.map((s) => path.join(AGENT, s)), '-o', tmp], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    const noRuntime = /libclang_rt\.fuzzer|cannot find -l?.*fuzzer|fuzzer.*No such file/i.test(r.stderr);
    return { error: noRuntime ? `${clang} has no libFuzzer runtime (Debian libclang-rt-14-dev; ring0 setup --test-host installs it)` : `building the agent fuzzer failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
  }
  renameSync(tmp, binary);
  return { binary };
}

/**
 * Runs the fuzzer for `runs` inputs from the seeded corpus in test/fixtures/fuzz/agent/ (copied to a
 * temp dir: libFuzzer adds to its corpus). A crash, leak or sanitizer report is saved there.
 */
export function runNativeFuzzer(runs: number, seed: number, save = true): NativeResult {
  const b = buildNativeFuzzer();
  if (!b.binary) return { skipped: b.error, runs: 0, failures: 0, output: '' };
  const work = mkdtempSync(path.join(os.tmpdir(), 'ring0-fuzz-'));
  try {
    const corpus = path.join(work, 'corpus');
    mkdirSync(corpus);
    const saved = path.join(CORPUS_DIR, 'agent');
    if (existsSync(saved)) for (const f of readdirSync(saved)) copyFileSync(path.join(saved, f), path.join(corpus, f));
    const artifacts = save ? `${saved}/` : `${work}/`;
    if (save) mkdirSync(saved, { recursive: true });
    const r = spawnSync(b.binary, [`-runs=${runs}`, `-seed=${seed}`, '-max_len=4096', '-timeout=10', `-artifact_prefix=${artifacts}`, corpus], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const output = r.stderr ?? '';
    const done = /Done (\d+) runs/.exec(output);
    return { runs: done ? Number(done[1]) : 0, failures: r.status === 0 && done ? 0 : 1, output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** For `npm run fuzz`: prints one line like the host targets; returns the failures. */
export async function runNativeFuzzers(o: { runs: number; seed: number }): Promise<number> {
  const t0 = Date.now();
  const r = runNativeFuzzer(o.runs, o.seed);
  if (r.skipped) {
    console.log(`${'agent (C, libFuzzer)'.padEnd(22)} skipped: ${r.skipped}`);
    return 0;
  }
  console.log(`${'agent (C, libFuzzer)'.padEnd(22)} ${String(r.runs).padStart(7)} inputs  ${String(r.failures).padStart(4)} failures  (ASan+UBSan, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (r.failures) console.log(r.output.split('\n').filter((l) => /ERROR|SUMMARY|runtime error|artifact|Test unit/.test(l)).slice(0, 10).map((l) => `    ${l}`).join('\n'));
  return r.failures;
}
