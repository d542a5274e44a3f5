// The debug engine's run state: its legal moves, what the client is told, and refusals of the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IllegalRunMove, RunState, canMove, clientView, gdbRuns, nextPhase, type RunEvent, type RunPhase } from '../../debug-adapter/engine/runState';

const PHASES: RunPhase[] = ['starting', 'running', 'stopped', 'internal', 'ending', 'ended'];
const EVENTS: RunEvent[] = ['configured', 'entry', 'resume', 'internal-stop', 'internal-resume', 'user-stop', 'resume-failed', 'unasked-resume', 'end', 'ended'];

describe('debug engine run state', () => {
  it('walks a session: attach, run, an internal stop the client never sees, a breakpoint, continue, the end', () => {
    const seen: string[] = [];
    const s = new RunState((from, to, e) => seen.push(`${from}-${e}->${to}`));
    assert.equal(s.phase, 'starting');
    for (const e of ['configured', 'internal-stop', 'internal-resume', 'internal-stop', 'user-stop', 'resume', 'end', 'ended'] as RunEvent[]) s.move(e);
    assert.deepEqual(seen, [
      'starting-configured->running', 'running-internal-stop->internal', 'internal-internal-resume->running',
      'running-internal-stop->internal', 'internal-user-stop->stopped', 'stopped-resume->running', 'running-end->ending', 'ending-ended->ended',
    ]);
  });

  it('the client sees an internal stop as running, and nothing before configuration or after the end', () => {
    assert.deepEqual(PHASES.map(clientView), ['none', 'running', 'stopped', 'running', 'none', 'none']);
    assert.deepEqual(PHASES.map(gdbRuns), [false, true, false, false, false, false]);
  });

  it('refuses the moves that would let two stops interleave or tell the client a wrong state', () => {
    // A second internal stop while one is in progress, a user resume of a kernel the client thinks runs,
    // an internal resume from a user stop (it would run the kernel under a client that saw it stop).
    for (const [from, e] of [['internal', 'internal-stop'], ['running', 'resume'], ['internal', 'resume'], ['stopped', 'internal-resume'], ['stopped', 'internal-stop'], ['starting', 'user-stop'], ['ended', 'configured']] as [RunPhase, RunEvent][]) {
      assert.throws(() => nextPhase(from, e), IllegalRunMove, `${e} while ${from}`);
      assert.equal(canMove(from, e), false);
    }
    const s = new RunState();
    s.move('entry');
    assert.throws(() => s.move('internal-resume'), /'internal-resume' is not legal while stopped/);
    assert.equal(s.phase, 'stopped', 'a refused move leaves the phase as it was');
  });

  it('every phase can end, and every move out of the machine leads to a phase whose client view is defined', () => {
    for (const p of PHASES) assert.ok(canMove(p, 'end'), `${p} can end`);
    for (const p of PHASES) {
      for (const e of EVENTS) {
        if (!canMove(p, e)) continue;
        const to = nextPhase(p, e);
        assert.ok(PHASES.includes(to));
        // Only a user stop (or stopAtEntry, or a refused resume) leaves the client looking at a stopped kernel.
        if (clientView(to) === 'stopped' && clientView(p) !== 'stopped') assert.ok(['user-stop', 'entry', 'resume-failed'].includes(e), `${p} -${e}-> ${to}`);
      }
    }
  });
});
