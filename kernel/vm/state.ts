// A workspace VM's state file (.ring0/vm.json), written by the VM daemon and read by every client,
// plus the liveness checks that turn a stale file into `stopped`.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite';
import type { OopsReport } from './oops';
import type { VmPaths } from './paths';

export type VmStateName = 'starting' | 'running' | 'stopped' | 'panicked';

export interface VmStateFile {
  state: VmStateName;
  daemonPid?: number;
  pid?: number;
  accel?: string;
  accelReason?: string;
  kernel?: { release: string; image: string; vmlinux?: string; build?: string };
  startedAt?: number;
  bootMs?: number;
  stoppedAt?: number;
  progress?: { label: string; fraction?: number };
  shares?: { tag: string; source: string; guestPath: string; readOnly: boolean }[];
  gdbSocket?: string;
  controlSocket?: string;
  panic?: OopsReport;
  /** The last oops the guest survived, and how many there were since boot. */
  oops?: OopsReport;
  oopsCount?: number;
  /** The last crash dump saved (kernel/vm/dumps.ts). */
  lastDump?: string;
  /** QEMU devices the VM was started with (from the devices setting and -device arguments). */
  devices?: string[];
  error?: string;
}

export interface VmStatus {
  state: VmStateName;
  accel?: string;
  kernel?: string;
  /** The build directory of a self-built kernel. */
  kernelBuild?: string;
  pid?: number;
  uptimeMs?: number;
  bootMs?: number;
  panic?: OopsReport;
  oops?: OopsReport;
  oopsCount?: number;
  devices?: string[];
  error?: string;
}

export function readState(p: VmPaths): VmStateFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(p.stateFile, 'utf8')) as VmStateFile;
    return typeof parsed === 'object' && parsed && typeof parsed.state === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(p: VmPaths, s: VmStateFile): void {
  writeFileAtomic(p.stateFile, JSON.stringify(s, null, 2));
}

export function pidAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie or a reused pid is not our process: check it is still QEMU or node.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true;
  }
}

/** The state a client should believe: a `running` file whose daemon died reads as `stopped`. */
export function effectiveState(s: VmStateFile | undefined, now = Date.now()): VmStatus {
  if (!s) return { state: 'stopped' };
  let state = s.state;
  if ((state === 'running' || state === 'starting') && !pidAlive(s.daemonPid)) state = 'stopped';
  const status: VmStatus = { state };
  if (s.accel) status.accel = s.accel;
  if (s.kernel) status.kernel = s.kernel.release;
  if (s.kernel?.build) status.kernelBuild = s.kernel.build;
  if (state === 'running' && s.pid) status.pid = s.pid;
  if (state === 'running' && s.startedAt) status.uptimeMs = now - s.startedAt;
  if (s.bootMs !== undefined) status.bootMs = s.bootMs;
  if (s.panic) status.panic = s.panic;
  if (s.oops) status.oops = s.oops;
  if (s.oopsCount) status.oopsCount = s.oopsCount;
  if (s.devices?.length) status.devices = s.devices;
  if (s.error) status.error = s.error;
  return status;
}
