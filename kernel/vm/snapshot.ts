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
