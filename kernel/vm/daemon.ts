// The detached VM daemon behind `ring0 vm start`: boots the VM, keeps .ring0/vm.json current, serves
// agent connections from many clients on the control socket, and cleans up when QEMU exits.
import { appendFileSync, chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { vmPaths } from './paths';
import { readState, writeState, type VmStateFile } from './state';
import type { VmSettings } from './settings';
import { bootOptions, Vm } from './vm';
import { formatFrame } from './symbolize';
import { armPanicDumps, DEFAULT_DUMPS_KEEP, dumpNow } from './dumpControl';

export async function runDaemon(workspace: string, settings: VmSettings, opts: { gdb?: boolean } = {}): Promise<number> {
  const paths = vmPaths(workspace);
  const log = (msg: string) => appendFileSync(paths.daemonLog, `[${new Date().toISOString()}] ${msg}\n`, { mode: 0o600 });
  let state: VmStateFile = { state: 'starting', daemonPid: process.pid };
  const update = (patch: Partial<VmStateFile>) => {
    state = { ...state, ...patch };
    writeState(paths, state);
  };
  update({});

  let vm: Vm;
  try {
    vm = await Vm.boot(bootOptions(workspace, settings, {
      gdb: opts.gdb,
      onProgress: (label, fraction) => update({ progress: { label, ...(fraction !== undefined ? { fraction } : {}) } }),
    }));
  } catch (e) {
    const message = (e as Error).message;
    log(`boot failed: ${message}`);
    update({ state: /panicked/.test(message) ? 'panicked' : 'stopped', error: message, stoppedAt: Date.now() });
    return 1;
  }

  const info = vm.info;
  const mux = vm.mux;
  try {
    unlinkSync(paths.sockets.control);
  } catch {
    // not there
  }
  const server = net.createServer((socket) => mux.attach(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(paths.sockets.control, () => resolve());
  });
  chmodSync(paths.sockets.control, 0o600);

  update({
    state: 'running',
    pid: info.pid,
    accel: info.accel,
    accelReason: info.accelReason,
    kernel: { release: info.kernel.release, image: info.kernel.image, ...(info.kernel.vmlinux ? { vmlinux: info.kernel.vmlinux } : {}), ...(info.kernel.packaged ? {} : { build: info.kernel.buildDir }) },
    startedAt: info.startedAt,
    bootMs: info.bootMs,
    shares: info.shares,
    devices: info.devices,
    controlSocket: paths.sockets.control,
    ...(opts.gdb ? { gdbSocket: paths.sockets.gdb } : {}),
    progress: undefined,
  });
  log(`running: pid ${info.pid}, ${info.accel} (${info.accelReason}), boot ${info.bootMs} ms`);
  const dumps = { workspace, memoryMiB: settings.memoryMiB, keep: settings.dumpsKeep ?? DEFAULT_DUMPS_KEEP, log, onDump: (d: { dump: string }) => update({ lastDump: d.dump }) };
  await armPanicDumps(vm, vm.qmp, dumps).catch((e: Error) => log(`dump on panic is off: ${e.message}`));

  mux.setControl(async (request) => {
    switch (request.op) {
      case 'vm.dump': {
        const d = await dumpNow(vm, dumps, request.file);
        log(`dump saved: ${d.dump} (${d.sizeBytes} bytes)`);
        return { ...d } as Record<string, unknown>;
      }
      case 'vm.status':
        return { qemu: await vm.qemuStatus(), accel: info.accel, kernel: info.kernel.release };
      case 'vm.reset': {
        log('reset requested');
        const ms = await vm.reset();
        update({ startedAt: Date.now() - ms, bootMs: ms, state: 'running', panic: undefined, oops: undefined, oopsCount: undefined });
        return { bootMs: ms };
      }
      case 'vm.readMemory': {
        // Untrusted input from any control-socket client: a hex address and a size, nothing else.
        const address = typeof request.address === 'string' && /^0x[0-9a-f]{1,16}$/i.test(request.address) ? BigInt(request.address) : undefined;
        const size = request.size;
        if (address === undefined || (size !== 1 && size !== 2 && size !== 4 && size !== 8)) throw new Error('vm.readMemory needs address (0x hex) and size (1, 2, 4 or 8)');
        return { value: `0x${(await vm.monitorRead(address, size)).toString(16)}` };
      }
      default:
        throw new Error(`unknown control request ${String(request.op)}`);
    }
  });

  vm.on('panic', (p) => {
    log(`panic: ${p.summary}\n${p.frames.map(formatFrame).join('\n')}`);
    update({ state: 'panicked', panic: p });
  });
  // An oops in process context kills only the process: the VM keeps running (kernel tainted 'D').
  vm.on('oops', (p) => {
    log(`oops (the guest kept running): ${p.summary}\n${[...(p.rip ? [p.rip] : []), ...p.frames].map(formatFrame).join('\n')}`);
    update({ oops: p, oopsCount: (state.oopsCount ?? 0) + 1 });
  });

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    await vm.stop();
  };
  // Without its share the guest's view of the workspace hangs or fails: stop cleanly and say why,
  // rather than leave a VM that looks running. What the guest wrote before went to the host already
  // (the workspace share is uncached), so a restart sees it.
  vm.on('share-lost', (s: { tag: string; guestPath: string; code: number | null; signal: string | null }) => {
    const message = `virtiofsd for the '${s.tag}' share (${s.guestPath} in the guest) exited (${s.signal ?? `code ${s.code}`}); the VM was stopped: start it again with 'ring0 vm start'`;
    log(message);
    update({ error: message });
    void shutdown();
  });
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  await vm.waitForExit();
  server.close();
  try {
    unlinkSync(paths.sockets.control);
  } catch {
    // gone
  }
  // A panic report may still be decoding when QEMU exits (panic=-1 reboots, -no-reboot exits).
  await vm.serial.settled();
  const panic = vm.panic ?? readState(paths)?.panic;
  update({ state: panic ? 'panicked' : 'stopped', stoppedAt: Date.now(), ...(panic ? { panic } : {}) });
  log(`QEMU exited${panic ? ' after a panic' : ''}`);
  return 0;
}
