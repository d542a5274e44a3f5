// Boots and owns one Ring0 VM in this process: initramfs, virtiofsd per share, QEMU, QMP, the agent
// connection, the serial log watch. `ring0 run` uses it directly; the VM daemon wraps it for `vm start`.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, closeSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AgentClient } from '../agent/client';
import { AgentMux } from './agentMux';
import { ensureAgentBinary } from '../agent/build';
import { cacheDir as defaultCacheDir } from '../util/paths';
import { decideAccel } from './accel';
import { buildInitramfs, busyboxApplets, writeBootInitrd } from './initramfs';
import { customKernel, findDefaultKernel, type KernelImage, type KernelRoots } from './kernelImage';
import { ensureDirs, vmPaths, type VmPaths } from './paths';
import { QmpClient } from './qmp';
import { monitorReadCommand, parseMonitorRead } from './liveWatch';
import { qemuArgs, type Accel, type Share } from './qemuArgs';
import { checkOwnQemuArgs, checkSettingsQemuArgs } from './qemuArgPolicy';
import { effectiveDevices, validateDevices } from './devices';
import { SerialWatcher, type PanicReport } from './serialWatch';
import { agentGaveUp, checkOwnKernel, resolveOwnKernel } from './ownKernel';
import type { VmOptions } from './options';
import { findVirtiofsd, spawnVirtiofsd, waitForSocket } from './virtiofsd';
import { run } from '../util/run';
import { openPrivate } from '../util/privateFile';

export { bootOptions, type VmOptions } from './options';

export interface VmInfo {
  accel: Accel;
  accelReason: string;
  kernel: KernelImage;
  pid: number;
  startedAt: number;
  bootMs: number;
  shares: { tag: string; source: string; guestPath: string; readOnly: boolean }[];
  /** Known QEMU devices it has (devices option plus -device arguments). */
  devices: string[];
  paths: VmPaths;
}

export const QEMU_PACKAGE = 'qemu-system-x86';

/** QEMU binary: RING0_QEMU for a custom build, else qemu-system-x86_64 from PATH. */
export function qemuBinary(): string {
  return process.env.RING0_QEMU || 'qemu-system-x86_64';
}

export function defaultGuestDir(): string {
  // Bundled CLI: dist/cli.js → ../kernel/guest; compiled tests: out/kernel/vm → ../../../kernel/guest.
  for (const c of [path.join(__dirname, '..', 'kernel', 'guest'), path.join(__dirname, '..', '..', '..', 'kernel', 'guest'), path.join(__dirname, '..', 'guest')]) {
    if (existsSync(path.join(c, 'init.sh'))) return c;
  }
  throw new Error(`cannot find kernel/guest next to ${__dirname}`);
}

export function resolveKernel(kernelSetting?: string, roots?: KernelRoots, workspace?: string): KernelImage {
  const own = resolveOwnKernel(kernelSetting, workspace);
  if (own) return checkOwnKernel(own);
  if (kernelSetting) return checkOwnKernel(customKernel(kernelSetting));
  const k = findDefaultKernel(roots);
  if (!k) throw new Error("No kernel to boot: Debian's cloud kernel is not installed. Install the package linux-image-cloud-amd64 (apt-get install linux-image-cloud-amd64), or run `ring0 setup`.");
  if (!existsSync(path.join(k.modulesDir, 'modules.dep'))) throw new Error(`${k.modulesDir}/modules.dep is missing: reinstall the package linux-image-${k.release}.`);
  return k;
}

async function qemuVersion(): Promise<string> {
  const r = await run(qemuBinary(), ['--version'], { timeoutMs: 10_000 });
  if (r.spawnError) throw new Error(`qemu-system-x86_64 is missing: install the Debian package ${QEMU_PACKAGE} (apt-get install ${QEMU_PACKAGE}), or run \`ring0 setup\`.`);
  return r.stdout.split('\n')[0] ?? '';
}

function busyboxPath(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(p)) return p;
  throw new Error('busybox is missing: install the Debian package busybox-static (apt-get install busybox-static), or run `ring0 setup`.');
}

export class Vm extends EventEmitter {
  private exited = false;
  private stopping = false;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly info: VmInfo,
    readonly agent: AgentClient,
    /** Shares the agent link: attach more clients (the daemon's control socket) here. */
    readonly mux: AgentMux,
    readonly qmp: QmpClient,
    private readonly qemu: ChildProcess,
    private readonly helpers: ChildProcess[],
    readonly serial: SerialWatcher,
  ) {
    super();
    this.exitPromise = new Promise((resolve) => {
      const done = () => {
        this.exited = true;
        this.exitInfo = { code: qemu.exitCode, signal: qemu.signalCode };
        this.cleanup();
        this.emit('exit', this.exitInfo);
        resolve();
      };
      if (qemu.exitCode !== null || qemu.signalCode !== null) done();
      else qemu.once('exit', done);
    });
    serial.on('panic', (p: PanicReport) => this.emit('panic', p));
    serial.on('oops', (p: PanicReport) => this.emit('oops', p));
    // A virtiofsd that dies under a running guest leaves its share hanging: say which one.
    helpers.forEach((h, i) => h.once('exit', (code, signal) => {
      if (!this.exited && !this.stopping) this.emit('share-lost', { ...info.shares[i], code, signal });
    }));
  }

  get running(): boolean {
    return !this.exited;
  }

  get panic(): PanicReport | undefined {
    return this.serial.panic;
  }

  waitForExit(): Promise<void> {
    return this.exitPromise;
  }

  /** Powers off: QMP quit, then SIGKILL if QEMU does not exit within a few seconds. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.exited) return;
    this.stopping = true;
    this.agent.close();
    await this.qmp.execute('quit').catch(() => undefined);
    const timer = setTimeout(() => this.qemu.kill('SIGKILL'), timeoutMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** QEMU's run state (QMP query-status), e.g. `running` or `paused`. */
  /** Reads one value of the running guest's memory through the monitor (live watch); never stops the VM. */
  async monitorRead(address: bigint, size: 1 | 2 | 4 | 8): Promise<bigint> {
    const out = await this.qmp.execute<string>('human-monitor-command', { 'command-line': monitorReadCommand(address, size) });
    return parseMonitorRead(typeof out === 'string' ? out : '');
  }

  async qemuStatus(): Promise<string> {
    const r = await this.qmp.execute<{ status?: string }>('query-status');
    return r.status ?? 'unknown';
  }

  /** Hard reset of the guest (QMP system_reset); resolves when the rebooted guest's agent answers. */
  async reset(timeoutMs = 90_000): Promise<number> {
    const t0 = Date.now();
    const ready = new Promise<void>((resolve) => this.agent.once('ready', () => resolve()));
    this.mux.resetAgentLink();
    this.agent.resync();
    // -no-reboot (so that a panic ends QEMU) also turns system_reset into a shutdown: reset for real
    // this once, and restore the exit-on-reboot action once the guest is back.
    await this.qmp.execute('set-action', { reboot: 'reset' });
    await this.qmp.execute('system_reset');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the guest agent did not come back within ${timeoutMs / 1000} s after the reset`)), timeoutMs);
    });
    try {
      await Promise.race([ready, timeout]);
      await this.agent.hello({ timeoutMs: 5000 });
    } finally {
      clearTimeout(timer);
      await this.qmp.execute('set-action', { reboot: 'shutdown' }).catch(() => undefined);
    }
    return Date.now() - t0;
  }

  private cleanup(): void {
    this.agent.close();
    this.mux.close();
    this.qmp.close();
    this.serial.stop();
    for (const h of this.helpers) if (h.exitCode === null && h.signalCode === null) h.kill('SIGTERM');
    const s = this.info.paths.sockets;
    for (const f of [s.qmp, s.agent, s.serial, s.gdb, ...this.info.shares.map((sh) => s.share(sh.tag))]) {
      try {
        unlinkSync(f);
      } catch {
        // already gone
      }
    }
    rmSync(path.join(this.info.paths.runDir, 'hostroot-ro'), { recursive: true, force: true });
  }

  static async boot(opts: VmOptions): Promise<Vm> {
    const progress = opts.onProgress ?? (() => undefined);
    const paths = vmPaths(opts.workspace);
    if (!existsSync(paths.workspace)) throw new Error(`workspace ${paths.workspace} does not exist`);
    checkSettingsQemuArgs(opts.qemuArgs ?? []);
    checkOwnQemuArgs(opts.ownQemuArgs ?? []);
    const extra = [...(opts.qemuArgs ?? []), ...(opts.ownQemuArgs ?? [])];
    const devices = opts.devices ?? [];
    validateDevices(devices);
    const cache = opts.cacheDir ?? defaultCacheDir();
    progress('Checking QEMU and the kernel', 0.05);
    const [qv, kernel] = await Promise.all([qemuVersion(), Promise.resolve(resolveKernel(opts.kernel, undefined, opts.workspace))]);
    const virtiofsd = findVirtiofsd();
    const guestDir = opts.guestDir ?? defaultGuestDir();
    ensureDirs(paths);

    progress('Building the initramfs', 0.1);
    const agentBin = await ensureAgentBinary({ cacheDir: cache, sourceDir: path.join(guestDir, 'agent') });
    const applets = busyboxApplets((await run(busyboxPath(), ['--list'])).stdout);
    const image = buildInitramfs({ busybox: busyboxPath(), agent: agentBin, modulesDir: kernel.modulesDir, guestDir }, applets, cache);

    progress('Choosing the accelerator', 0.2);
    const decision = await decideAccel(opts.accel ?? 'auto', {
      cacheDir: cache,
      qemuVersion: qv,
      probe: () => probeKvm(kernel, image.path, paths),
    });

    // Unprivileged, virtiofsd runs in a user namespace where executing host files from the shared root
    // fails (EPERM); the workspace share works there. Until that is solved, users boot without it.
    const isRoot = process.getuid?.() === 0;
    const shareHostRoot = (opts.shareHostRoot ?? true) && isRoot;
    if ((opts.shareHostRoot ?? true) && !isRoot) progress('Host tools are not shared into the guest when Ring0 runs without root (busybox only)', 0.22);
    const shares: (Share & { source: string; guestPath: string; readOnly: boolean })[] = [
      { tag: 'workspace', socket: paths.sockets.share('workspace'), source: paths.workspace, guestPath: paths.workspace, readOnly: false },
    ];
    if (shareHostRoot) shares.push({ tag: 'hostroot', socket: paths.sockets.share('hostroot'), source: '/', guestPath: '/', readOnly: true });
    writeBootInitrd(image.path, { workspace: paths.workspace, shareHostRoot, hostname: 'ring0' }, paths.initrd);

    // Stale sockets from a VM that was killed would make QEMU or virtiofsd fail.
    for (const s of [paths.sockets.qmp, paths.sockets.agent, paths.sockets.serial, paths.sockets.gdb, ...shares.map((sh) => sh.socket)]) {
      try {
        unlinkSync(s);
      } catch {
        // not there
      }
    }
    progress('Starting virtiofsd', 0.25);
    const helpers = shares.map((s) =>
      spawnVirtiofsd({
        binary: virtiofsd,
        source: s.source,
        socket: s.socket,
        log: path.join(paths.stateDir, `virtiofsd-${s.tag}.log`),
        // The workspace changes under the guest (builds on the host, then insmod or the BPF loader in
        // the guest within the second): with cache=auto the guest read a rebuilt object's old bytes.
        cache: s.readOnly ? 'always' : 'none',
        ...(s.readOnly ? { readOnly: { mountPoint: path.join(paths.runDir, 'hostroot-ro') } } : {}),
      }),
    );
    const killHelpers = () => helpers.forEach((h) => h.kill('SIGTERM'));
    try {
      await Promise.all(shares.map((s, i) => waitForSocket(s.socket, helpers[i], 5000, `virtiofsd for ${s.tag}`)));
    } catch (e) {
      killHelpers();
      throw new Error(`${(e as Error).message}; see ${path.join(paths.stateDir, 'virtiofsd-*.log')}`);
    }

    progress(`Booting ${kernel.release} (${decision.accel.toUpperCase()})`, 0.3);
    closeSync(openPrivate(paths.serialLog, 'w'));
    const args = qemuArgs({
      name: `ring0:${path.basename(paths.workspace)}`,
      accel: decision.accel,
      memoryMiB: opts.memoryMiB ?? 512,
      cpus: opts.cpus ?? 1,
      kernel: kernel.image,
      initrd: paths.initrd,
      kernelArgs: opts.kernelArgs ?? [],
      sockets: { qmp: paths.sockets.qmp, agent: paths.sockets.agent, serial: paths.sockets.serial, serialLog: paths.serialLog, ...(opts.gdb ? { gdb: { unix: paths.sockets.gdb } } : {}) },
      shares,
      devices,
      extra,
    });
    const logFd = openPrivate(paths.qemuLog, 'w');
    const qemu = spawn(qemuBinary(), args, { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const startedAt = Date.now();
    const serial = new SerialWatcher(paths.serialLog, kernel);
    serial.start();

    const failure = (why: string) => {
      const qlog = safeRead(paths.qemuLog).trim().split('\n').slice(-5).join('\n');
      const slog = safeRead(paths.serialLog).trim().split('\n').slice(-15).join('\n');
      return new Error(`${why}${qlog ? `\nQEMU said:\n${qlog}` : ''}${slog ? `\nSerial console (last lines):\n${slog}` : ''}`);
    };
    const abort = () => {
      serial.stop();
      qemu.kill('SIGKILL');
      killHelpers();
    };
    let qmp: QmpClient;
    let link: { agent: AgentClient; mux: AgentMux };
    try {
      await waitForSocket(paths.sockets.qmp, qemu, 10_000, 'QEMU');
      qmp = await connectQmp(paths.sockets.qmp, qemu);
      progress('Waiting for the guest agent', 0.5);
      link = await connectAgent(paths.sockets.agent, qemu, serial, opts.bootTimeoutMs ?? 90_000);
    } catch (e) {
      abort();
      throw failure((e as Error).message);
    }
    const bootMs = Date.now() - startedAt;
    progress('VM ready', 1);
    const info: VmInfo = {
      accel: decision.accel,
      accelReason: decision.reason,
      kernel,
      pid: qemu.pid ?? -1,
      startedAt,
      bootMs,
      shares: shares.map(({ tag, source, guestPath, readOnly }) => ({ tag, source, guestPath, readOnly })),
      devices: effectiveDevices(devices, extra),
      paths,
    };
    return new Vm(info, link.agent, link.mux, qmp, qemu, helpers, serial);
  }
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/**
 * QEMU binds its server sockets before it listens on them: a connect in between is refused (seen on a
 * loaded 2-core host). Retry that briefly while QEMU lives.
 */
async function connectQmp(socketPath: string, qemu: ChildProcess, timeoutMs = 10_000): Promise<QmpClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await QmpClient.connect(socketPath);
    } catch (e) {
      if (!/ECONNREFUSED/.test((e as Error).message) || Date.now() > deadline || qemu.exitCode !== null || qemu.signalCode !== null) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Connects to the agent's chardev and waits for its hello; fails early if QEMU dies or the guest panics. */
async function connectAgent(socketPath: string, qemu: ChildProcess, serial: SerialWatcher, timeoutMs: number): Promise<{ agent: AgentClient; mux: AgentMux }> {
  const deadline = Date.now() + timeoutMs;
  await waitForSocket(socketPath, qemu, 10_000, 'QEMU');
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.createConnection(socketPath);
    s.once('connect', () => resolve(s));
    s.once('error', (e) => reject(new Error(`cannot connect to the agent socket: ${e.message}`)));
  });
  const mux = new AgentMux(socket);
  const client = new AgentClient(mux.localClient());
  const dead = new Promise<never>((_, reject) => {
    qemu.once('exit', (code, signal) => reject(new Error(serial.panic ? `the guest kernel panicked during boot: ${serial.panic.summary}` : `QEMU exited during boot (${code ?? signal})`)));
    serial.once('panic', (p: PanicReport) => reject(new Error(`the guest kernel panicked during boot: ${p.summary}`)));
  });
  dead.catch(() => undefined);
  // virtio-serial drops what the host writes before the guest opens its port, so a hello sent too early
  // is lost. The agent announces itself with a `ready` event when it opens the port: answer that at
  // once, and keep asking every 250 ms in case the event itself was missed.
  const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));
  const afterReady = ready.then(() => client.hello({ timeoutMs: 5000 }));
  afterReady.catch(() => undefined);
  for (;;) {
    if (Date.now() > deadline) {
      mux.close();
      throw new Error(`the guest agent did not answer within ${Math.round(timeoutMs / 1000)} s`);
    }
    try {
      await Promise.race([client.hello({ timeoutMs: 250 }), afterReady, dead]);
      return { agent: client, mux };
    } catch (e) {
      if (qemu.exitCode !== null || qemu.signalCode !== null || serial.panic) {
        mux.close();
        throw e;
      }
      const gaveUp = agentGaveUp(serial);
      if (gaveUp) {
        mux.close();
        throw new Error(gaveUp);
      }
    }
  }
}

/** Boots the kernel under KVM with the probe flag; true when the guest prints the marker. */
async function probeKvm(kernel: KernelImage, initramfs: string, paths: VmPaths): Promise<boolean> {
  const img = path.join(paths.runDir, 'probe.img');
  writeBootInitrd(initramfs, { shareHostRoot: false, probe: true }, img);
  const r = await run(qemuBinary(), [
    '-accel', 'kvm', '-cpu', 'host', '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', 'stdio', '-kernel', kernel.image, '-initrd', img, '-append', 'console=ttyS0 quiet panic=-1',
  ], { timeoutMs: 15_000 });
  rmSync(img, { force: true });
  return r.stdout.includes('RING0-PROBE-OK');
}
