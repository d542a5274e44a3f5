// Shipped bpftrace tools through `ring0 bpftrace --tool NAME --json-lines --duration 5000` against a busy
// guest (a shell loop that runs ls and cat): each must attach, then within its 5 s of tracing give parsed
// output its own check accepts (a histogram with counts, a keyed map with entries, printf rows naming the
// loop's commands). One VM per file; a file takes a share of the tools so it stays within its time.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CLI, cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

type Rec = Record<string, unknown> & { kind?: string };

export interface ToolCheck {
  tool: string;
  /** What the parsed output must contain; returns a description of what it found, or throws. */
  check: (recs: Rec[]) => void;
}

const hist = (recs: Rec[], map: string) => recs.filter((r) => r.kind === 'hist' && r.map === map) as Array<{ series: Array<{ key: string | null; buckets: Array<{ count: number; label: string }> }> }>;
const keyed = (recs: Rec[], map: string) => recs.filter((r) => r.kind === 'keyed' && r.map === map) as Array<{ entries: Array<{ key: string; value: unknown }> }>;
const printf = (recs: Rec[]) => recs.filter((r) => r.kind === 'printf').map((r) => String(r.text)).join('');

/** A hist map with at least one counted bucket. */
export const hasHist = (map: string) => (recs: Rec[]) => {
  const h = hist(recs, map);
  assert.ok(h.length > 0, `no ${map} histogram`);
  const total = h.flatMap((x) => x.series.flatMap((s) => s.buckets)).reduce((n, b) => n + b.count, 0);
  assert.ok(total > 0, `${map} histogram has no counts: ${JSON.stringify(h)}`);
};
/** A keyed map with an entry whose key matches. */
export const hasKey = (map: string, key: RegExp) => (recs: Rec[]) => {
  const k = keyed(recs, map).flatMap((x) => x.entries);
  assert.ok(k.some((e) => key.test(e.key) && typeof e.value === 'number' && e.value > 0), `${map} has no entry like ${key}: ${JSON.stringify(k.slice(0, 20))}`);
};
/** A scalar or keyed value of the map. */
export const hasValue = (map: string) => (recs: Rec[]) => {
  assert.ok(recs.some((r) => (r.kind === 'value' || r.kind === 'keyed') && r.map === map), `no ${map} value`);
};
/** printf rows matching. */
export const printed = (re: RegExp) => (recs: Rec[]) => assert.match(printf(recs), re);

export function toolsSuite(title: string, tools: ToolCheck[], opts: { runqlatFresh?: boolean } = {}): void {
  describe(title, () => {
    let ws: string;
    let busy: ChildProcess | undefined;
    const run = async (tool: string, durationMs: number) => {
      const r = await cli(['bpftrace', '--tool', tool, '--json-lines', '--duration', String(durationMs), '-w', ws], { cwd: ws, timeoutMs: 150_000 });
      const recs = r.stdout.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
      const end = recs.find((x) => x.end === true);
      const startup = recs.find((x) => x.kind === 'startup');
      const why = `ring0 bpftrace --tool ${tool}: exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.toString().slice(0, 3000)}`;
      assert.ok(startup && typeof startup.attachedAfterMs === 'number', `no start-up record: ${why}`);
      assert.equal(end?.cutInStartup, false, why);
      return { r, recs, why, startupMs: startup.attachedAfterMs as number };
    };

    before(async () => {
      ws = tempWorkspace('ring0-bt-tools-');
      const r = await cli(['vm', 'start', '--workspace', ws]);
      assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    });
    after(async () => {
      if (busy?.pid) {
        try {
          process.kill(busy.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (ws) await disposeWorkspace(ws);
    });

    if (opts.runqlatFresh) {
      it('runqlat --duration 3000 on a fresh VM prints its run-queue latency histogram', async () => {
        const { r, recs, why, startupMs } = await run('runqlat', 3000);
        assert.equal(r.code, 0, why);
        hasHist('@usecs')(recs);
        process.stdout.write(`# runqlat start-up ${startupMs} ms\n`);
      });
    }

    it('a busy guest: a shell loop listing files', async () => {
      // The loop ends by itself (vm exec --timeout) and with the VM; it sleeps a little so bpftrace starts.
      busy = spawn(process.execPath, [CLI, 'vm', 'exec', '--timeout', '900', '-w', ws, '--', 'sh', '-c', 'while :; do ls -l / /usr >/dev/null; cat /proc/loadavg >/dev/null; kill -0 $$; sleep 0.05; done'], { cwd: ws, stdio: 'ignore' });
      await new Promise((res) => setTimeout(res, 2000));
      assert.equal(busy.exitCode, null, 'the busy loop in the guest is running');
    });

    for (const t of tools) {
      it(`${t.tool}: parsed output within 5 s of tracing after attach`, async () => {
        const { r, recs, why, startupMs } = await run(t.tool, 5000);
        assert.equal(r.code, 0, why);
        try {
          t.check(recs);
        } catch (e) {
          throw new Error(`${(e as Error).message}\n${why}`);
        }
        process.stdout.write(`# ${t.tool} start-up ${startupMs} ms\n`);
      });
    }
  });
}
