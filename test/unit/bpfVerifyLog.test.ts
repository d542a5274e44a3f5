// The verifier explainer on logs captured from the 6.1 guest kernel (test/fixtures/bpf/verify/logs):
// instructions, states, the failing path, stats and the plain-language explanation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeProgram } from '../../kernel/bpf/verify';
import { explainRejection } from '../../kernel/bpf/verifierHints';
import { parseRegs, parseVerifierTrace } from '../../kernel/bpf/verifierParse';

const LOGS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpf', 'verify', 'logs');
const log = (n: string) => readFileSync(path.join(LOGS, n), 'utf8');
const NO_LINES = { programs: [], lines: [] };

describe('verifier trace parser', () => {
  it('splits register state on spaces outside parentheses', () => {
    assert.deepEqual(parseRegs('R0_w=scalar(umax=4,var_off=(0x0; 0x4)) R10=fp0 fp-8=0000????'), [
      { name: 'R0', value: 'scalar(umax=4,var_off=(0x0; 0x4))', written: true },
      { name: 'R10', value: 'fp0', written: false },
      { name: 'fp-8', value: '0000????', written: false },
    ]);
  });

  it('reads an unchecked map lookup: instructions, source comments, state, message, stats', () => {
    const p = parseVerifierTrace(log('unchecked_lookup-6.1-L2.log'));
    assert.equal(p.format, 'verifier');
    assert.deepEqual(p.insns.map((i) => i.idx), [0, 1, 2, 3, 4, 6, 7]);
    const call = p.insns.find((i) => i.idx === 6)!;
    assert.equal(call.text, 'call bpf_map_lookup_elem#1');
    assert.equal(call.sourceText, '__u64 *v = bpf_map_lookup_elem(&counts, &key);');
    assert.match(call.after![0].value, /^map_value_or_null/);
    assert.deepEqual(p.failure, { insn: 7, message: "R0 invalid mem access 'map_value_or_null'" });
    assert.deepEqual(p.failurePath, [0, 1, 2, 3, 4, 6, 7]);
    assert.deepEqual(p.stats, { processed: 7, limit: 1000000, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0, markRead: 0 });
    const ex = explainRejection(p)!;
    assert.equal(ex.kind, 'missing-null-check');
    assert.match(ex.fix, /if \(!v\)/);
  });

  it('follows a branch exploration (from 3 to 0) into the failing path of an unbounded loop', () => {
    const p = parseVerifierTrace(log('unbounded_loop-6.1-L2.log'));
    assert.equal(p.insns.find((i) => i.idx === 3)!.target, 0, 'goto pc-4 from insn 3 lands on 0');
    assert.equal(p.insns.find((i) => i.idx === 0)!.visits, 3);
    assert.deepEqual(p.failureBranches, [[3, 0], [3, 0]]);
    assert.deepEqual(p.failurePath, [0, 1, 2, 3, 0, 1, 2, 3, 0]);
    assert.equal(p.failure!.message, 'infinite loop detected at insn 1');
    assert.equal(p.stats!.peakStates, 1);
    assert.equal(explainRejection(p)!.kind, 'unbounded-loop');
  });

  it('explains each common rejection from its real log', () => {
    const kinds = Object.fromEntries(['gpl_helper', 'ctx_arith', 'stack_oob'].map((n) => [n, explainRejection(parseVerifierTrace(log(`${n}-6.1-L2.log`)))?.kind]));
    assert.deepEqual(kinds, { gpl_helper: 'gpl-only-helper', ctx_arith: 'ctx-pointer-arithmetic', stack_oob: 'stack-out-of-bounds' });
    const large = parseVerifierTrace(log('too_large-6.1-L4.log'));
    assert.equal(large.insns.length, 0);
    assert.equal(large.failure!.message, 'BPF program is too large. Processed 1000001 insn');
    assert.deepEqual([large.stats!.processed, large.stats!.peakStates, large.stats!.verificationTimeUs, large.stats!.stackDepth], [1000001, 14288, 5586070, '0']);
    assert.equal(explainRejection(large)!.kind, 'program-too-large');
  });

  it('merges an overflowed level-2 head with the level-4 message, pointing at the hottest instruction', () => {
    const r = analyzeProgram('too_large', log('too_large-6.1-L2-head.log'), false, NO_LINES, { truncated: true, statsLog: log('too_large-6.1-L4.log') });
    assert.equal(r.truncated, true);
    assert.equal(r.explanation!.kind, 'program-too-large');
    assert.equal(r.stats!.processed, 1000001);
    const hot = r.insns.reduce((a, b) => (b.visits > a.visits ? b : a));
    assert.equal(r.failure!.insn, hot.idx);
    assert.ok(hot.visits >= 5, `hottest instruction visited ${hot.visits} times`);
  });

  it('points a missing NULL check at the lookup that made the pointer', () => {
    const r = analyzeProgram('unchecked_lookup', log('unchecked_lookup-6.1-L2.log'), false, NO_LINES);
    assert.equal(r.explanation!.related!.insn, 6);
    assert.ok(r.insns.every((i) => i.onFailurePath));
  });

  it('keeps a log it does not know as raw text with format unknown, never empty', () => {
    const odd = 'VERIFIER v9: something new happened\nat pc 12 — rejected\n';
    const r = analyzeProgram('x', odd, false, NO_LINES);
    assert.equal(r.format, 'unknown');
    assert.equal(r.log, odd);
    assert.ok(r.failure!.message.length > 0);
    assert.equal(r.explanation, undefined);
    assert.equal(analyzeProgram('y', '', false, NO_LINES).failure!.message, 'the verifier rejected the program and printed no log');
  });
});

describe('verifier explainer page protocol', () => {
  it('a report for the page passes the page-side validator; bad messages from the page are refused', async () => {
    const { reportToPage } = await import('../../views/model/verifierPage');
    const { isPageToVerifier, isVerifierToPage } = await import('../../views/protocol/verifier');
    const prog = analyzeProgram('unchecked_lookup', log('unchecked_lookup-6.1-L2.log'), false, NO_LINES);
    const msg = reportToPage({ ok: false, object: '/w/x.bpf.o', notes: [], programs: [prog, analyzeProgram('odd', 'new format\n', false, NO_LINES)] });
    assert.ok(isVerifierToPage(msg));
    assert.equal(msg.programs[0].stats[0].value, '7 of 1000000');
    assert.equal(msg.programs[1].log, 'new format\n', 'an unknown log reaches the page raw');
    assert.ok(!isVerifierToPage({ ...msg, programs: [{ ...msg.programs[0], insns: [{ idx: -1 }] }] }));
    assert.ok(isPageToVerifier({ type: 'openSource', file: '/w/x.bpf.c', line: 19, column: 5 }));
    for (const bad of [{ type: 'openSource', file: 'relative.c', line: 1, column: 1 }, { type: 'openSource', file: '/x', line: 0, column: 1 }, { type: 'run', cmd: 'rm' }, null, 'ready']) assert.ok(!isPageToVerifier(bad), JSON.stringify(bad));
  });
});
