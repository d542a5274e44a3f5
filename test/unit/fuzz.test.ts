// The bounded fuzz run of the unit tier: a few thousand seeded mutations per host-side parser plus
// the saved corpus (test/fixtures/fuzz/<target>/), and a short libFuzzer run of the agent's C
// parsers when clang has the runtime. Reproduce a failure with RING0_FUZZ_SEED=<printed seed>.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runTarget } from '../fuzz/harness';
import { runNativeFuzzer } from '../fuzz/native';
import { TARGETS } from '../fuzz/targets';

const SEED = Number(process.env.RING0_FUZZ_SEED ?? 1818);
const RUNS = Number(process.env.RING0_FUZZ_RUNS ?? 3000);

describe(`bounded fuzz (seed ${SEED}, ${RUNS} inputs per target)`, () => {
  for (const t of TARGETS) {
    it(t.name, () => {
      const r = runTarget(t, { seed: SEED, runs: RUNS, slowMs: 5000 });
      const shown = r.failures.map((f) => `${f.error}\n  input (base64): ${f.input.toString('base64').slice(0, 400)}`).join('\n');
      assert.equal(r.failed, 0, `${t.name}: ${r.failed} of ${r.tried} inputs failed (seed ${SEED}):\n${shown}`);
      assert.ok(r.tried >= RUNS);
    });
  }

  it('agent C parsers under libFuzzer + ASan/UBSan', (t) => {
    const r = runNativeFuzzer(RUNS, SEED, false);
    if (r.skipped) return t.skip(r.skipped);
    assert.equal(r.failures, 0, r.output.split('\n').filter((l) => /ERROR|SUMMARY|runtime error/.test(l)).join('\n'));
    assert.ok(r.runs >= RUNS);
  });
});
