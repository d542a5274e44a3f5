// `npm run fuzz`: the long fuzz run, 10^5 inputs per host-side target (seeded, reproducible), then
// the guest agent's C parsers under ASan/UBSan with libFuzzer when clang has it. Prints inputs tried
// and failures per target; failing inputs are saved to test/fixtures/fuzz/<target>/ for replay.
import { runTarget, saveToCorpus } from './harness';
import { runNativeFuzzers } from './native';
import { TARGETS } from './targets';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const runs = Number(arg('runs') ?? 100_000);
  const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
  const only = arg('target');
  const save = !process.argv.includes('--no-save');
  console.log(`ring0 fuzz: seed ${seed}, ${runs} mutated inputs per target (rerun with --seed ${seed})`);
  let failed = 0;
  for (const t of TARGETS.filter((x) => !only || x.name === only)) {
    const r = runTarget(t, { seed, runs, slowMs: 2000, keep: 20 });
    failed += r.failed;
    console.log(`${t.name.padEnd(22)} ${String(r.tried).padStart(7)} inputs  ${String(r.failed).padStart(4)} failures  (${r.corpus} corpus, ${(r.ms / 1000).toFixed(1)} s)`);
    // One saved input per kind of failure (messages compared without their numbers).
    const kinds = new Set<string>();
    for (const f of r.failures) {
      const kind = f.error.replace(/\d+/g, 'N');
      const where = save && f.input.length && !kinds.has(kind) ? `  saved ${saveToCorpus(t.name, f.input)}` : '';
      kinds.add(kind);
      console.log(`    ${f.error}${where}`);
    }
  }
  if (!only || only === 'agent') failed += await runNativeFuzzers({ runs, seed });
  console.log(failed ? `${failed} failures` : 'no failures');
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(2);
});
