// bench/dap-step: the cost of one debugger step as a user sees it — DAP next → stopped → stackTrace →
// scopes → variables(locals) — for Ring0's adapter, for Eclipse CDT's cdt-gdb-adapter attached to the
// same kind of QEMU stub, and for raw gdb/MI (-exec-next, -stack-list-frames, -stack-list-variables),
// all in one run against one VM stopped at the same place (do_sys_openat2). Prints p50/max and ratios.
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbProcess } from '../debug-adapter/gdb/gdbProcess';
import { stubAddress } from '../debug-adapter/target/stubAddress';
import { readState } from '../kernel/vm/state';
import { vmPaths } from '../kernel/vm/paths';
import { ROOT, cli, disposeWorkspace, tempWorkspace } from '../test/vm/helpers';
import { CliDebugClient } from '../test/dap/cliDebugClient';
import { median } from './stats';

const summarize = (xs: number[]) => ({ median: median(xs), max: Math.max(...xs) });

const STEPS = Number(process.env.RING0_BENCH_STEPS ?? 25);
const FUNCTION = 'do_sys_openat2';

/** Starts `cat /proc/version` in the guest: its openat reaches the breakpoint. */
function triggerOpen(ws: string): Promise<unknown> {
  return cli(['vm', 'exec', '--workspace', ws, '--', 'cat', '/proc/version'], { timeoutMs: 600_000 });
}

/** Per step: the whole next → locals time, and the part after the stop (what the adapter itself adds). */
interface StepTimes {
  total: number[];
  afterStop: number[];
  /** The locals shown at each step (name=value), to compare adapters step by step. */
  shown: string[][];
}

async function dapSteps(name: string, dc: DebugClient, ws: string, attach: Record<string, unknown>): Promise<StepTimes> {
  dc.defaultTimeout = 120_000;
  await dc.start();
  await dc.initializeRequest({ adapterID: name, linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = dc.waitForEvent('initialized', 120_000);
  await dc.attachRequest(attach as DebugProtocol.AttachRequestArguments);
  await initialized;
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: FUNCTION }] });
  await dc.configurationDoneRequest();
  // Some adapters leave the target stopped after attach.
  await dc.continueRequest({ threadId: 1 }).catch(() => undefined);
  const exec = triggerOpen(ws);
  const stop = (await dc.waitForEvent('stopped', 120_000)) as DebugProtocol.StoppedEvent;
  const thread = stop.body.threadId ?? 1;
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const times: StepTimes = { total: [], afterStop: [], shown: [] };
  let shownLocals = 0;
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    const stopped = dc.waitForEvent('stopped', 60_000);
    await dc.nextRequest({ threadId: thread });
    await stopped;
    const t1 = performance.now();
    const st = await dc.stackTraceRequest({ threadId: thread, startFrame: 0, levels: 20 });
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
    const locals = scopes.body.scopes.find((s) => /local/i.test(s.name)) ?? scopes.body.scopes[0];
    const vars = await dc.variablesRequest({ variablesReference: locals.variablesReference });
    const t2 = performance.now();
    times.total.push(t2 - t0);
    times.afterStop.push(t2 - t1);
    shownLocals += vars.body.variables.length;
    times.shown.push(vars.body.variables.map((v) => `${v.name}=${v.value}`));
  }
  console.log(`  ${name}: ${shownLocals} locals shown over ${STEPS} steps`);
  await dc.continueRequest({ threadId: thread });
  await exec;
  await dc.disconnectRequest({ terminateDebuggee: false }).catch(() => undefined);
  await dc.stop().catch(() => undefined);
  return times;
}

async function rawMiSteps(ws: string, vmlinux: string, address: string): Promise<StepTimes> {
  const gdb = new GdbProcess({ cwd: ws });
  try {
    await gdb.send('-gdb-set mi-async on');
    await gdb.send(`-file-exec-and-symbols ${vmlinux}`, 120_000);
    await gdb.send(`-target-select remote ${address}`, 60_000);
    await gdb.send(`-break-insert ${FUNCTION}`);
    const nextStop = () => new Promise<void>((resolve) => {
      const on = (cls: string) => {
        if (cls === 'stopped') {
          gdb.off('exec', on);
          resolve();
        }
      };
      gdb.on('exec', on);
    });
    let stopped = nextStop();
    await gdb.send('-exec-continue');
    const exec = triggerOpen(ws);
    await stopped;
    await gdb.send('-break-delete');
    const times: StepTimes = { total: [], afterStop: [], shown: [] };
    for (let i = 0; i < STEPS; i++) {
      const t0 = performance.now();
      stopped = nextStop();
      await gdb.send('-exec-next');
      await stopped;
      const t1 = performance.now();
      await gdb.send('-stack-list-frames 0 19');
      await gdb.send('-stack-list-variables --simple-values', 120_000);
      const t2 = performance.now();
      times.total.push(t2 - t0);
      times.afterStop.push(t2 - t1);
    }
    await gdb.send('-exec-continue');
    await exec;
    await gdb.send('-target-detach').catch(() => undefined);
    return times;
  } finally {
    await gdb.dispose();
  }
}

async function main(): Promise<void> {
  const ws = tempWorkspace('ring0-bench-dap-');
  try {
    const started = await cli(['vm', 'start', '--gdb', '--workspace', ws], { timeoutMs: 300_000 });
    if (started.code !== 0) throw new Error(`vm start failed: ${started.stderr}`);
    const state = readState(vmPaths(ws))!;
    const vmlinux = state.kernel?.vmlinux;
    if (!vmlinux || !state.gdbSocket) throw new Error("needs the debug vmlinux (ring0 setup --debug-symbols) and a VM with the gdb stub");
    console.log(`bench/dap-step: ${STEPS} steps from ${FUNCTION} per adapter, VM ${state.accel}`);

    const ring0 = await dapSteps('ring0', new CliDebugClient(ws), ws, { workspace: ws });

    const bridge = stubAddress(state.gdbSocket);
    const cdtAdapter = path.join(ROOT, 'node_modules', 'cdt-gdb-adapter', 'dist', 'debugTargetAdapter.js');
    const peer = await dapSteps('cdt-gdb-adapter', new DebugClient('node', cdtAdapter, 'gdbtarget'), ws, {
      type: 'gdbtarget', request: 'attach', program: vmlinux, target: { type: 'remote', parameters: [bridge.address] },
    }).finally(() => bridge.close());

    const rawBridge = stubAddress(state.gdbSocket);
    const raw = await rawMiSteps(ws, vmlinux, rawBridge.address).finally(() => rawBridge.close());

    // Where the adapters' Locals differ, step by step: what one shows and the other leaves out.
    const names = (xs: string[]) => xs.map((x) => x.split('=')[0]);
    for (let i = 0; i < Math.max(ring0.shown.length, peer.shown.length); i++) {
      const a = names(ring0.shown[i] ?? []);
      const b = names(peer.shown[i] ?? []);
      const onlyPeer = b.filter((n) => !a.includes(n));
      const onlyRing0 = a.filter((n) => !b.includes(n));
      if (onlyPeer.length || onlyRing0.length || a.length !== b.length) {
        console.log(`  step ${i + 1}: ring0 [${(ring0.shown[i] ?? []).join(', ')}]\n          peer  [${(peer.shown[i] ?? []).join(', ')}]`);
      }
    }
    const count = (t: StepTimes) => t.shown.reduce((n, s) => n + s.length, 0);
    // The step itself (how far `next` runs under TCG) dominates and varies with the path the kernel
    // takes; the part after the stop is what an adapter adds on top of gdb.
    for (const [label, pick] of [['next → locals', (t: StepTimes) => t.total], ['stopped → locals', (t: StepTimes) => t.afterStop]] as const) {
      const r = summarize(pick(ring0));
      const p = summarize(pick(peer));
      const m = summarize(pick(raw));
      console.log(`\n${label}:`);
      const line = (n: string, s: ReturnType<typeof summarize>) => console.log(`  ${n.padEnd(16)} p50 ${s.median.toFixed(1).padStart(7)} ms   max ${s.max.toFixed(1).padStart(8)} ms`);
      line('ring0', r);
      line('cdt-gdb-adapter', p);
      line('raw gdb/MI', m);
      console.log(`  ratio ring0/peer p50 ${(r.median / p.median).toFixed(2)} (goal < 1), ring0/raw p50 ${(r.median / m.median).toFixed(2)} (goal <= 1.3), ring0 max ${r.max.toFixed(0)} ms (goal < 2000)`);
    }
    const after = (t: StepTimes) => summarize(t.afterStop);
    console.log(JSON.stringify({
      bench: 'dap-step', steps: STEPS, locals: { ring0: count(ring0), peer: count(peer) },
      afterStopP50: { ring0: after(ring0).median, peer: after(peer).median, raw: after(raw).median },
      afterStopMax: { ring0: after(ring0).max, peer: after(peer).max, raw: after(raw).max },
      ratioRing0PeerP50: after(ring0).median / after(peer).median,
    }));
  } finally {
    await disposeWorkspace(ws);
  }
}

void main().catch((e: Error) => {
  console.error(`bench/dap-step failed: ${e.message}`);
  process.exitCode = 1;
});
