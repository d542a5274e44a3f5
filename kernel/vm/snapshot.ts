// What the extension shows of a workspace VM at one moment: its status, its state file and the
// modules loaded in it (read by the VM view and the status bar).
import type { VmStateFile, VmStatus } from './state';

export interface VmSnapshot {
  status: VmStatus;
  state?: VmStateFile;
  modules?: string[];
  /** Crash dumps in .ring0/dumps, newest first. */
  dumps?: { name: string; dump: string; sizeBytes: number; reason: string; summary?: string; createdAt: number }[];
}

/**
 * What the views show of a snapshot, as one comparable string: a change in any of it is a change, and
 * the same VM read again (only its uptime moved on) is none.
 */
export function snapshotKey(s: VmSnapshot): string {
  const st = s.status;
  return JSON.stringify([
    st.state, st.pid, st.accel, st.kernel, st.kernelBuild, st.bootMs, st.panic?.summary, st.oops?.summary, st.oopsCount, st.devices, st.error,
    s.state?.progress, s.state?.startedAt, s.state?.accelReason, s.state?.kernel, s.state?.shares, s.state?.gdbSocket, s.modules, s.dumps,
  ]);
}
