// The DAP transcript check the DAP tier applies: it passes a sound session and catches issue 20's stray stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTranscript, type Entry } from '../dap/transcriptCheck';

const req = (command: string, args?: Record<string, unknown>): Entry => ({ kind: 'request', command, args });
const res = (command: string, body?: Record<string, unknown>, success = true): Entry => ({ kind: 'response', command, success, body });
const ev = (event: string, body?: Record<string, unknown>): Entry => ({ kind: 'event', event, body });
const state = (client: string, gdbRunning: boolean, phase = client): Entry => res('ring0/runState', { phase, client, gdbRunning });
const start: Entry[] = [req('launch'), res('launch'), ev('initialized'), req('setBreakpoints'), res('setBreakpoints', { breakpoints: [{ id: 1, verified: false }] }), req('configurationDone'), res('configurationDone')];

describe('DAP transcript check', () => {
  it('passes a session whose stops all answer the user', () => {
    const t: Entry[] = [
      ...start, state('running', true),
      ev('stopped', { reason: 'breakpoint', hitBreakpointIds: [1] }), state('stopped', false),
      req('next'), res('next'), ev('stopped', { reason: 'step' }),
      req('continue'), res('continue'), state('running', true, 'running'),
      req('pause'), res('pause'), ev('stopped', { reason: 'pause' }), state('stopped', false),
      req('evaluate'), res('evaluate'), ev('continued'), state('running', true),
      ev('stopped', { reason: 'exception' }), req('disconnect'), res('disconnect'), state('none', false, 'ended'),
    ];
    assert.deepEqual(checkTranscript(t), []);
  });

  it("catches issue 20: the attach stop forwarded as 'pause' before configurationDone, and a resume never announced", () => {
    const t: Entry[] = [req('launch'), res('launch'), ev('initialized'), ev('stopped', { reason: 'pause' }), req('configurationDone'), res('configurationDone'), state('running', true)];
    const bad = checkTranscript(t);
    assert.equal(bad.length, 3, bad.join('\n'));
    assert.match(bad[0], /'stopped' \(pause\) while the client saw the kernel none/);
    assert.match(bad[1], /told the kernel is stopped, the engine says running/);
    assert.match(bad[2], /believes the kernel stopped, gdb's target is running/);
  });

  it('catches a stop nobody asked for, a breakpoint stop at a hook, a double stop and a view gdb contradicts', () => {
    const t: Entry[] = [...start, ev('stopped', { reason: 'pause' }), req('continue'), res('continue'), ev('stopped', { reason: 'breakpoint' }), ev('stopped', { reason: 'breakpoint', hitBreakpointIds: [1] }), state('stopped', true)];
    const bad = checkTranscript(t);
    assert.equal(bad.length, 4, bad.join('\n'));
    assert.match(bad[0], /pause\) nobody asked for/);
    assert.match(bad[1], /no breakpoint of the user's/);
    assert.match(bad[2], /while the client saw the kernel stopped/);
    assert.match(bad[3], /gdb's target is running/);
  });
});
