// runBpftrace's clock: --duration counts from bpftrace's attached_probes record, start-up progress ticks
// until then, and a stop before attach is reported as cut during start-up (a scripted fake exec, no VM).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { cutMessage, runBpftrace, type BpftraceAgent, type BpftracePhase } from '../../kernel/observe/bpftrace';

/** A fake guest process: prints `attached_probes` after `attachAfterMs`, a map on SIGINT, then exits. */
function fakeAgent(attachAfterMs: number | null) {
  const kills: Array<{ sig: string; at: number }> = [];
  const t0 = Date.now();
  const agent = {
    exec() {
      const h = new EventEmitter() as EventEmitter & { result: Promise<unknown>; kill: (s: string) => Promise<void> };
      let attached = false;
      let finish!: (r: unknown) => void;
      h.result = new Promise((r) => (finish = r));
      const at = attachAfterMs === null ? undefined : setTimeout(() => {
        attached = true;
        h.emit('stdout', Buffer.from('{"type": "attached_probes", "data": {"probes": 2}}\n'));
      }, attachAfterMs);
      h.kill = async (sig: string) => {
        kills.push({ sig, at: Date.now() - t0 });
        if (at) clearTimeout(at);
        setTimeout(() => {
          if (attached) {
            h.emit('stdout', Buffer.from('{"type": "map", "data": {"@c": {"ls": 3}}}\n'));
            finish({ exitCode: 0, signal: null, timedOut: false });
          } else finish({ exitCode: null, signal: 'SIGINT', timedOut: false });
        }, 5);
      };
      return h;
    },
  } as unknown as BpftraceAgent;
  return { agent, kills };
}

describe('bpftrace duration and start-up', () => {
  it('counts --duration from attach, not from spawn, and reports the start-up time', async () => {
    const { agent, kills } = fakeAgent(300);
    const phases: BpftracePhase[] = [];
    const outs: string[] = [];
    const r = await runBpftrace(agent, { program: 'x', durationMs: 200, tickMs: 50, onPhase: (p) => phases.push(p), onOutput: (o) => outs.push(o.kind) });
    assert.equal(kills.length, 1);
    assert.ok(kills[0].at >= 480, `SIGINT at ${kills[0].at} ms: the 200 ms must start after the 300 ms start-up`);
    assert.ok(r.startupMs !== null && r.startupMs >= 290 && r.startupMs < kills[0].at, String(r.startupMs));
    assert.equal(r.cutInStartup, false);
    assert.deepEqual(outs, ['attached', 'keyed']);
    assert.equal(phases[0].phase, 'starting');
    assert.ok(phases.filter((p) => p.phase === 'starting').length >= 3, JSON.stringify(phases));
    const last = phases[phases.length - 1];
    assert.equal(last.phase, 'attached');
    assert.equal(last.phase === 'attached' && last.probes, 2);
    assert.equal(cutMessage(r, 600), null);
  });

  it('a stop before attach is a run cut during start-up', async () => {
    const { agent } = fakeAgent(null);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runBpftrace(agent, { program: 'x', durationMs: 50, signal: ac.signal, onOutput: () => undefined });
    assert.equal(r.startupMs, null);
    assert.equal(r.cutInStartup, true);
    assert.match(cutMessage(r, 1234) ?? '', /cut during bpftrace's start-up \(after 1\.2 s, before it had attached its probes\)/);
  });

  it('no duration timer runs before attach: a slow start-up is not cut', async () => {
    const { agent, kills } = fakeAgent(250);
    const r = await runBpftrace(agent, { program: 'x', durationMs: 20, onOutput: () => undefined });
    assert.equal(r.cutInStartup, false);
    assert.ok(kills[0].at >= 265, String(kills[0].at));
  });
});
